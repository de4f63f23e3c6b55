import Foundation
import SeqGenEngine
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `mpirun -np 2 seqgen train …`: the same run as one process with the same global batch,
/// resumable with another number of processes, and faults that stop the whole job cleanly.
///
/// These need Open MPI's `mpirun` (`scripts/install-deps.sh` installs `openmpi-bin`); they fail,
/// never skip, without it.
@Suite(.serialized) struct MPITrainingTests {
  static let mpirun = URL(fileURLWithPath: "/usr/bin/mpirun")
  /// What Open MPI needs as root, and in containers without cross-memory attach.
  static let environment = [
    "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none", "OMPI_MCA_rmaps_base_oversubscribe": "1",
  ]
  let text = [
    "--hidden-size", "16", "--num-layers", "2", "--dropout", "0.2", "--batch-size", "4", "--seq-length", "8",
    "--seed", "5", "--checkpoint-every", "10", "--log-every", "5",
  ]

  /// `mpirun` with one program per rank (`mpirun -np 1 seqgen A : -np 1 seqgen B`).
  func mpirun(_ ranks: [[String]], timeout: TimeInterval = 180) throws -> CLIResult {
    #expect(FileManager.default.isExecutableFile(atPath: Self.mpirun.path), "mpirun is missing: install openmpi-bin")
    let exe = try #require(CLI.executable).path
    let args = ranks.enumerated().flatMap { i, rank in (i > 0 ? [":"] : []) + ["-np", "1", exe] + rank }
    return try CLI.run(Self.mpirun, args, environment: Self.environment, timeout: timeout)
  }

  func mpirun(np: Int, _ args: [String], timeout: TimeInterval = 180) throws -> CLIResult {
    try mpirun(Array(repeating: args, count: np), timeout: timeout)
  }

  func tensors(_ run: String) throws -> [String: Safetensors.Tensor] {
    let url = URL(fileURLWithPath: run + "/model.safetensors")
    return try Safetensors.decode(try Data(contentsOf: url), path: url.path).tensors
  }

  /// Every tensor (weights, Adam moments, the carried state) equal to float-reduction tolerance.
  func expectSameState(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (x, y) = (try tensors(a), try tensors(b))
    #expect(Set(x.keys) == Set(y.keys), sourceLocation: sourceLocation)
    var worst: Float = 0
    for (name, t) in x {
      let u = try #require(y[name])
      #expect(t.shape == u.shape, "\(name)", sourceLocation: sourceLocation)
      for (p, q) in zip(t.values, u.values) { worst = max(worst, abs(p - q) / (abs(p) + 1e-3)) }
    }
    #expect(worst < 1e-3, "largest relative difference \(worst)", sourceLocation: sourceLocation)
  }

  func validationBits(_ run: String) throws -> [Double] {
    try metrics(run).compactMap { $0["validationBits"] as? Double }
  }

  @Test func twoRanksTrainTheSameTextModelAsOneProcess() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let one = try CLI.run(["train", "text", "--data", data, "--out", box.path("one"), "--steps", "30"] + text)
    try #require(one.succeeded, "\(one)")
    let two = try mpirun(np: 2, ["train", "text", "--data", data, "--out", box.path("two"), "--steps", "30"] + text)
    try #require(two.succeeded, "\(two)")
    try expectSameState(box.path("one"), box.path("two"))
    let (v1, v2) = (try validationBits(box.path("one")), try validationBits(box.path("two")))
    #expect(v1.count == 3 && v2.count == 3)
    for (a, b) in zip(v1, v2) { #expect(abs(a - b) < 1e-4, "validation \(v1) against \(v2)") }
    // Process 0 alone prints; the manifest says how many trained.
    #expect(two.stdoutLines.filter { $0.hasPrefix("training text") }.count == 1, "\(two)")
    #expect(two.stdout.contains("over 2 processes (2 streams each)"), "\(two)")
    let manifest = try String(contentsOfFile: box.path("two") + "/manifest.json", encoding: .utf8)
    #expect(manifest.contains("\"processes\" : 2"), "\(manifest)")
  }

  /// The stream layout depends on the global batch only: 2 ranks then 1 process, or 1 then 2,
  /// end where 1 process running straight through ends.
  @Test func aRunResumesWithAnotherNumberOfRanks() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let straight = try CLI.run(
      ["train", "text", "--data", data, "--out", box.path("straight"), "--steps", "20"] + text)
    try #require(straight.succeeded, "\(straight)")

    let first = try mpirun(np: 2, ["train", "text", "--data", data, "--out", box.path("a"), "--steps", "10"] + text)
    try #require(first.succeeded, "\(first)")
    let rest = try CLI.run(["train", "text", "--out", box.path("a"), "--resume", "--steps", "20"] + text)
    try #require(rest.succeeded, "\(rest)")
    try expectSameState(box.path("straight"), box.path("a"))

    let alone = try CLI.run(["train", "text", "--data", data, "--out", box.path("b"), "--steps", "10"] + text)
    try #require(alone.succeeded, "\(alone)")
    let together = try mpirun(np: 2, ["train", "text", "--out", box.path("b"), "--resume", "--steps", "20"] + text)
    try #require(together.succeeded, "\(together)")
    try expectSameState(box.path("straight"), box.path("b"))
  }

  /// Audio: a head with parameters of its own, and augmentation that draws fresh variants of
  /// every file each epoch (each rank must draw the same).
  @Test func twoRanksTrainTheSameAugmentedAudioModelAsOneProcess() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let audio = [
      "train", "audio", "--data", AudioAugmentationCLITests.clip, "--steps", "24", "--speed", "10", "--gain", "3",
      "--hidden-size", "8", "--num-layers", "1", "--frame-size", "4", "--mlp-hidden-size", "8",
      "--sample-embedding-size",
      "4", "--batch-size", "4", "--seq-length", "64", "--seed", "3", "--checkpoint-every", "12",
    ]
    let one = try CLI.run(audio + ["--out", box.path("one")], timeout: 300)
    try #require(one.succeeded, "\(one)")
    let two = try mpirun(np: 2, audio + ["--out", box.path("two")], timeout: 300)
    try #require(two.succeeded, "\(two)")
    let epochs = try metrics(box.path("two")).compactMap { $0["epoch"] as? Double }
    #expect((epochs.last ?? 0) > 1, "the run crosses epochs: \(epochs)")
    try expectSameState(box.path("one"), box.path("two"))
  }

  /// Notes (transposed and stretched variants each epoch), handwriting (the mixture-density
  /// head) and handwriting conditioned on its text (the attention window, whose κ and w are
  /// carried state like h and c), two layers with dropout.
  @Test(arguments: ["notes", "handwriting", "handwriting --condition text"])
  func twoRanksTrainTheSameModelAsOneProcess(run: String) throws {
    let words = run.split(separator: " ").map(String.init)
    let domain = words[0]
    let box = try Sandbox()
    defer { box.remove() }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fixtures")
    let data =
      domain == "notes"
      ? [NotesAugmentationCLITests.midi, "--transpose", "3", "--stretch", "5"]
      : (1...6).map { root.appendingPathComponent("handwriting/hershey-lines/line-000\($0).inkml").path }
    let args =
      ["train", domain, "--data"] + data + [
        "--steps", "16", "--hidden-size", "12", "--num-layers", "2", "--dropout", "0.3", "--batch-size", "4",
        "--seq-length", "16", "--seed", "9", "--checkpoint-every", "8",
      ] + words.dropFirst()
    let one = try CLI.run(args + ["--out", box.path("one")], timeout: 300)
    try #require(one.succeeded, "\(one)")
    let two = try mpirun(np: 2, args + ["--out", box.path("two")], timeout: 300)
    try #require(two.succeeded, "\(two)")
    try expectSameState(box.path("one"), box.path("two"))
    if words.count > 1 {
      let names = Set(try tensors(box.path("two")).keys)
      #expect(names.isSuperset(of: ["window.weight", "trainer.state_kappa", "trainer.state_window"]), "\(names)")
    }
    let (v1, v2) = (try validationBits(box.path("one")), try validationBits(box.path("two")))
    #expect(v1.count == 2 && v2.count == 2)
    for (a, b) in zip(v1, v2) { #expect(abs(a - b) < 1e-3, "validation \(v1) against \(v2)") }
  }

  /// A failure of rank 0 alone while training (it cannot replace loss.svg, which something
  /// turned into a folder) aborts the whole job with its one error line, rather than leaving
  /// rank 1 waiting; the run stays loadable and resumable.
  @Test func aRankThatFailsWhileTrainingAbortsTheJob() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let run = box.path("run")
    let first = try mpirun(np: 2, ["train", "text", "--data", data, "--out", run, "--steps", "10"] + text)
    try #require(first.succeeded, "\(first)")
    let plot = run + "/loss.svg"
    try FileManager.default.removeItem(atPath: plot)
    try FileManager.default.createDirectory(atPath: plot + "/in-the-way", withIntermediateDirectories: true)
    let result = try mpirun(np: 2, ["train", "text", "--out", run, "--resume", "--steps", "30"] + text, timeout: 60)
    #expect(!result.succeeded && !result.timedOut, "\(result)")
    let errors = result.stderrLines.filter { $0.hasPrefix("Error: ") }
    #expect(
      errors.count == 1 && errors[0].hasPrefix("Error: rank 0 on ") && errors[0].contains("loss.svg"), "\(result)")
    try FileManager.default.removeItem(atPath: plot)
    let resumed = try mpirun(np: 2, ["train", "text", "--out", run, "--resume", "--steps", "30"] + text)
    #expect(resumed.succeeded, "\(resumed)")
  }

  @Test func aBatchTheRanksCannotShareIsOneLine() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let result = try mpirun(
      np: 2, ["train", "text", "--data", data, "--out", box.path("run"), "--steps", "5", "--batch-size", "3"])
    #expect(!result.succeeded)
    let errors = result.stderrLines.filter { $0.hasPrefix("Error: ") }
    #expect(errors.count == 1 && errors[0].contains("--batch-size") && errors[0].contains("multiple of 2"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  /// A rank that cannot read its data stops the job before training, naming the rank and host.
  @Test func aRankThatCannotReadTheDataStopsTheJob() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let args = ["train", "text", "--out", box.path("run"), "--steps", "5"] + text
    let result = try mpirun([args + ["--data", data], args + ["--data", box.path("missing.txt")]])
    #expect(!result.succeeded && !result.timedOut, "\(result)")
    let errors = result.stderrLines.filter { $0.hasPrefix("Error: ") }
    #expect(
      errors.count == 1 && errors[0].hasPrefix("Error: rank 1 on ") && errors[0].contains("missing.txt"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  /// Ranks that read different files (as different copies on two hosts would) stop before training.
  @Test func ranksThatDisagreeAboutTheCorpusStopTheJob() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let other = try box.corpus("other.txt")
    try (try String(contentsOfFile: other, encoding: .utf8) + "more words\n").write(
      toFile: other, atomically: true, encoding: .utf8)
    let args = ["train", "text", "--out", box.path("run"), "--steps", "5"] + text
    let result = try mpirun([args + ["--data", data], args + ["--data", other]])
    #expect(!result.succeeded && !result.timedOut, "\(result)")
    let errors = result.stderrLines.filter { $0.hasPrefix("Error: ") }
    #expect(
      errors.count == 1 && errors[0].contains("rank 1 on ") && errors[0].contains("other training data"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  /// `kill -9` of one rank mid-run: the job ends non-zero within seconds, the run holds a
  /// loadable checkpoint, and `mpirun … --resume` continues it.
  @Test func aKilledRankEndsTheJobAndTheRunResumes() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let run = box.path("run")
    let exe = try #require(CLI.executable).path
    let args = ["train", "text", "--data", data, "--out", run, "--steps", "1000000", "--checkpoint-every", "1"]
    let job = Process()
    job.executableURL = Self.mpirun
    job.arguments = ["-np", "2", exe] + args + Array(text.dropLast(4))
    job.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
    job.standardInput = FileHandle.nullDevice
    job.standardOutput = FileHandle.nullDevice
    job.standardError = FileHandle.nullDevice
    try job.run()
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: run + "/model.safetensors") && Date() < deadline { usleep(20_000) }
    usleep(300_000)
    // The ranks are mpirun's seqgen children; kill the last one.
    let ranks = try children(of: job.processIdentifier).filter { try commandName($0) == "seqgen" }
    try #require(ranks.count == 2, "ranks: \(ranks)")
    kill(ranks.max()!, SIGKILL)
    let killed = Date()
    let ended = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      job.waitUntilExit()
      ended.signal()
    }
    if ended.wait(timeout: .now() + 30) == .timedOut {
      kill(job.processIdentifier, SIGKILL)
      Issue.record("the job still ran 30 s after a rank was killed")
      return
    }
    #expect(Date().timeIntervalSince(killed) < 15)
    #expect(job.terminationStatus != 0 || job.terminationReason != .exit)
    let inspect = try CLI.run(["inspect", run])
    #expect(inspect.succeeded, "\(inspect)")
    let step = try #require(
      inspect.stdout.split(separator: "\n").first { $0.hasPrefix("progress") }.flatMap {
        $0.split(separator: " ").dropFirst(2).first
      }.flatMap { Int($0) }, "\(inspect)")
    let resumed = try mpirun(
      np: 2, ["train", "text", "--out", run, "--resume", "--steps", String(step + 3)] + text)
    #expect(resumed.succeeded, "\(resumed)")
  }

  func children(of pid: Int32) throws -> [Int32] {
    let tasks = "/proc/\(pid)/task"
    return try FileManager.default.contentsOfDirectory(atPath: tasks).flatMap { task in
      ((try? String(contentsOfFile: "\(tasks)/\(task)/children", encoding: .utf8)) ?? "").split(separator: " ")
        .compactMap { Int32($0) }
    }
  }

  func commandName(_ pid: Int32) throws -> String {
    ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(
      in: .whitespacesAndNewlines)
  }
}
