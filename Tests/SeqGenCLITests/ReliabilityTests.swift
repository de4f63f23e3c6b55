import Foundation
import SeqGenEngine
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Faults during training: kill -9 at any moment, a second trainer on the same run, a full disk.
@Suite struct ReliabilityTests {
  /// Settings that keep a run busy for several seconds, checkpointing every step.
  let slow = [
    "--hidden-size", "48", "--num-layers", "2", "--batch-size", "4", "--seq-length", "16", "--seed", "3",
    "--checkpoint-every", "1", "--log-every", "1",
  ]

  /// Starts `seqgen args…` without waiting for it.
  func start(_ args: [String]) throws -> Process {
    let p = Process()
    p.executableURL = try #require(CLI.executable)
    p.arguments = args
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
  }

  func waitForCheckpoint(_ run: String, timeout: Double = 60) {
    let deadline = Date().addingTimeInterval(timeout)
    while !FileManager.default.fileExists(atPath: run + "/model.safetensors") && Date() < deadline { usleep(20_000) }
  }

  /// SIGKILL at random moments, including mid-checkpoint (a checkpoint is written every step):
  /// the run always holds a loadable checkpoint, and --resume carries on from it.
  @Test func killNineAtRandomMomentsAlwaysLeavesALoadableRun() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    var rng = SystemRandomNumberGenerator()
    for trial in 0..<5 {
      let run = box.path("run\(trial)")
      let p = try start(["train", "text", "--data", data, "--out", run, "--steps", "100000"] + slow)
      waitForCheckpoint(run)
      usleep(UInt32.random(in: 0...400_000, using: &rng))
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
      #expect(p.terminationReason == .uncaughtSignal)
      let inspect = try CLI.run(["inspect", run])
      #expect(inspect.succeeded, "trial \(trial): \(inspect)")
      let step = inspect.stdout.split(separator: "\n").first { $0.hasPrefix("progress") }.flatMap {
        $0.split(separator: " ").dropFirst(2).first
      }.flatMap { Int($0) }
      let done = try #require(step, "trial \(trial): no step in \(inspect.stdout)")
      let resumed = try CLI.run(["train", "text", "--out", run, "--resume", "--steps", String(done + 2)] + slow)
      #expect(resumed.succeeded, "trial \(trial): \(resumed)")
      // A write cut short by the kill leaves a temporary file; the resumed trainer removes it.
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: run).filter { $0.contains(".tmp-") }
      #expect(leftovers.isEmpty, "trial \(trial): \(leftovers)")
    }
  }

  /// A run killed part way and resumed without --steps trains to its own target, not the
  /// domain's default; a setting fixed by the run is refused on resume with another value
  /// (accepted with its own), and one that may change is applied and recorded.
  @Test func resumeKeepsTheRunsTargetAndRefusesFixedSettings() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = box.path("run")
    let tiny = ["--hidden-size", "16", "--num-layers", "1", "--batch-size", "4", "--seq-length", "16"]
    let p = try start(
      ["train", "text", "--data", try box.corpus(), "--out", run, "--steps", "100000", "--checkpoint-every", "5"]
        + tiny)
    waitForCheckpoint(run)
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    let manifest = { try RunDirectory(URL(fileURLWithPath: run)).manifest() }
    let killedAt = try manifest().progress.step
    #expect(try manifest().progress.totalSteps == 100_000)

    let fixed = try CLI.run(["train", "text", "--out", run, "--resume", "--hidden-size", "64", "--steps", "20"])
    expectCleanFailure(fixed, mentions: ["--hidden-size", "fixed by the run (16)"])
    let same = try CLI.run(
      ["train", "text", "--out", run, "--resume", "--learning-rate", "0.004", "--steps", String(killedAt + 5)] + tiny)
    #expect(same.succeeded, "\(same)")
    #expect(same.stdout.contains("changed on resume: --learning-rate 0.008 → 0.004"), "\(same.stdout)")
    #expect(try manifest().training.learningRate == 0.004 && manifest().progress.step == killedAt + 5)

    // Without --steps: on to the target the manifest holds, whatever the domain's default.
    try setTarget(run, steps: killedAt + 10)
    let resumed = try CLI.run(["train", "text", "--out", run, "--resume"])
    #expect(resumed.succeeded, "\(resumed)")
    #expect(resumed.stdout.contains("steps \(killedAt + 5)→\(killedAt + 10)"), "\(resumed.stdout)")
    #expect(try manifest().progress.step == killedAt + 10 && manifest().training.steps == killedAt + 10)
  }

  /// Rewrites a run's target (manifest.json and the checkpoint's own copy) to `steps`, as a run
  /// started with --steps and stopped short of it would have.
  func setTarget(_ run: String, steps: Int) throws {
    let dir = RunDirectory(URL(fileURLWithPath: run))
    let checkpoint = try dir.checkpoint(.latest)
    var manifest = checkpoint.manifest
    manifest.training.steps = steps
    manifest.progress.totalSteps = steps
    try dir.save(manifest, tensors: checkpoint.tensors.map { ($0.key, $0.value) }, as: .latest)
  }

  /// A second trainer on a run in use refuses with a clear message; the lock dies with its owner.
  @Test func secondTrainerOnTheSameRunIsRefusedAndTheLockIsNeverStuck() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let run = box.path("run")
    let first = try start(["train", "text", "--data", data, "--out", run, "--steps", "100000"] + slow)
    waitForCheckpoint(run)
    let second = try CLI.run(["train", "text", "--out", run, "--resume", "--steps", "200000"] + slow)
    #expect(!second.succeeded)
    #expect(
      second.stderrLines.count == 1
        && second.stderr.contains("in use by another seqgen train (pid \(first.processIdentifier))"), "\(second)")
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    let inspect = try CLI.run(["inspect", run])
    let step =
      inspect.stdout.split(separator: "\n").first { $0.hasPrefix("progress") }.flatMap {
        $0.split(separator: " ").dropFirst(2).first
      }.flatMap { Int($0) } ?? 0
    let third = try CLI.run(["train", "text", "--out", run, "--resume", "--steps", String(step + 1)] + slow)
    #expect(third.succeeded, "\(third)")
  }

  /// A disk that fills up while saving (a file-size limit, as a full disk would refuse the
  /// write): one clear error, a non-zero exit, the previous checkpoint untouched, no temp files.
  @Test func fullDiskWhileSavingKeepsThePreviousCheckpoint() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let run = box.path("run")
    try box.train("run", data: data, steps: 3, extra: ["--hidden-size", "48"])
    let before = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
    let exe = try #require(CLI.executable).path
    let limitKB = before.count / 1024 / 2
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments =
      [
        "-c", "trap '' XFSZ; ulimit -f \(limitKB); exec \"$0\" \"$@\"", exe, "train", "text", "--out", run, "--resume",
        "--steps", "9",
      ]
      + [
        "--hidden-size", "48", "--num-layers", "1", "--batch-size", "2", "--seq-length", "8", "--checkpoint-every", "3",
      ]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationReason == .exit && p.terminationStatus != 0, "\(message)")
    let lines = message.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].hasPrefix("Error: ") && message.contains("File too large"), "\(message)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: run).filter { $0.contains(".tmp-") }.isEmpty)
    #expect(try CLI.run(["generate", run, "--length", "5"]).succeeded)
  }

  /// `seqgen generate` and `seqgen inspect` while a trainer replaces the checkpoint every step:
  /// each reads the old or the new file whole (it is replaced by one rename), never a torn one.
  @Test func readersOfACheckpointBeingRewrittenNeverSeeATornFile() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let run = box.path("run")
    let trainer = try start(["train", "text", "--data", data, "--out", run, "--steps", "100000"] + slow)
    defer {
      kill(trainer.processIdentifier, SIGKILL)
      trainer.waitUntilExit()
    }
    waitForCheckpoint(run)
    var steps: Set<String> = []
    for trial in 0..<12 {
      let generated = try CLI.run(["generate", run, "--length", "20", "--seed", String(trial)])
      #expect(generated.succeeded && generated.stdout.count >= 20, "trial \(trial): \(generated)")
      let inspect = try CLI.run(["inspect", run])
      #expect(inspect.succeeded, "trial \(trial): \(inspect)")
      steps.formUnion(inspect.stdout.split(separator: "\n").filter { $0.hasPrefix("progress") }.map(String.init))
    }
    #expect(trainer.isRunning)
    // The readers really raced the writer: they saw the checkpoint at several steps.
    #expect(steps.count > 1, "\(steps)")
  }
}
