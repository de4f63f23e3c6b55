import ArgumentParser
import Foundation
import SeqGenEngine

/// `seqgen demo`: trains a small model per domain on the bundled fixtures, generates from each,
/// and writes a gallery page. Every step is an ordinary seqgen command (printed as it runs),
/// so the page can show the exact command that reproduces each result.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Train every domain on the bundled fixtures and write a gallery page (about 11 minutes on 2 cores; --quick about 1).",
    discussion: """
      Runs are kept in OUT/runs/<domain>: running the demo again reuses them (it resumes a run \
      that is short of its budget) unless --retrain. Results and OUT/index.html are rewritten.

      Example: seqgen demo --domains text,notes --quick
      """
  )

  @Option(help: ArgumentHelp("Folder for the runs, the generated files and index.html.", valueName: "dir")) var out = "demo"
  @Option(help: ArgumentHelp("The bundled fixtures folder.", valueName: "dir")) var fixtures = "fixtures"
  @Option(help: "Comma-separated domains to run.") var domains = "text,handwriting,notes,audio"
  @Flag(help: "Tiny budgets (about a minute in all): a smoke test, not a showcase.") var quick = false
  @Flag(help: "Delete earlier demo runs and train from scratch.") var retrain = false

  /// What the demo does for one domain.
  struct Spec {
    var domain: String
    var title: String
    var data: [String]
    var train: [String]
    var steps: (full: Int, quick: Int)
    /// Generation commands (without "generate RUN"), each with the files it writes.
    var generate: [(args: [String], files: [String])]
  }

  func specs(_ f: String) -> [Spec] {
    [
      Spec(
        domain: "text", title: "Text — Shakespeare", data: ["\(f)/text/shakespeare.txt"],
        train: ["--hidden-size", "192", "--num-layers", "2", "--seq-length", "64", "--batch-size", "32", "--learning-rate", "0.003"],
        steps: (1500, 40),
        generate: [(["--prime", "ROMEO:", "--length", "700", "--temperature", "0.8", "--seed", "1", "--out", "text.txt"], ["text.txt"])]),
      Spec(
        domain: "handwriting", title: "Handwriting — Hershey cursive lines", data: ["\(f)/handwriting/hershey-lines"],
        train: ["--hidden-size", "128", "--num-layers", "2", "--seq-length", "100", "--batch-size", "16"],
        steps: (1200, 30),
        generate: [
          // The latest weights: the per-file validation tail scores pen data from a zeroed state,
          // so "best" tends to pick an early checkpoint for handwriting.
          (["--strokes", "40", "--bias", "0", "--count", "3", "--seed", "2", "--checkpoint", "latest", "--out", "handwriting-bias0.svg"], ["handwriting-bias0.svg"]),
          (["--strokes", "40", "--bias", "1", "--count", "3", "--seed", "2", "--checkpoint", "latest", "--out", "handwriting-bias1.svg"], ["handwriting-bias1.svg"]),
        ]),
      Spec(
        domain: "notes", title: "Notes — openMSX MIDI", data: ["\(f)/notes/openmsx"],
        train: ["--hidden-size", "128", "--num-layers", "2", "--seq-length", "64", "--batch-size", "32", "--learning-rate", "0.003"],
        steps: (1000, 30),
        generate: [
          (
            ["--events", "1200", "--temperature", "0.9", "--seed", "4", "--out", "notes.mid", "--piano-roll", "notes-roll.svg", "--render", "notes.wav"],
            ["notes.mid", "notes-roll.svg", "notes.wav"]
          )
        ]),
      Spec(
        domain: "audio", title: "Audio — speech", data: ["\(f)/audio/speech"],
        // A pitch period in the sample window and the LSTM's input, pre-emphasis to push the
        // sampling noise under the voice, and speed/gain variants against a 61 s corpus: the
        // default 2×128 model at 3000 steps drones on one pitch; this one babbles in syllables.
        train: [
          "--hidden-size", "128", "--num-layers", "2", "--seq-length", "50", "--batch-size", "16", "--window", "64", "--input-samples", "80",
          "--pre-emphasis", "0.85", "--speed", "10", "--gain", "3",
        ],
        steps: (3000, 30),
        // The latest weights: on a 61 s corpus the best-validation checkpoint comes early and,
        // after the silent default prime, can stay near silence; later weights babble. Top-k
        // where the sound is louder than −45 dBFS cuts the noise between the harmonics; applied
        // everywhere, it would keep the silence at the start silent.
        generate: [
          (
            [
              "--seconds", "3", "--seed", "5", "--checkpoint", "latest", "--top-k", "20", "--sharpen-above=-45", "--out", "audio.wav", "--waveform",
              "audio-waveform.svg",
            ],
            ["audio.wav", "audio-waveform.svg"]
          )
        ]),
    ]
  }

  func validate() throws {
    let known = Set(specs("").map(\.domain))
    for d in domains.split(separator: ",") where !known.contains(String(d)) {
      throw ValidationError("--domains: unknown domain '\(d)' (choose from \(known.sorted().joined(separator: ", ")))")
    }
  }

  struct Result {
    var spec: Spec
    var manifest: Manifest
    var commands: [String]
    var seconds: Double
  }

  func run() throws {
    let outURL = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: outURL.appendingPathComponent("runs"), withIntermediateDirectories: true)
    let chosen = Set(domains.split(separator: ",").map(String.init))
    let started = ContinuousClock.now
    var results: [Result] = []
    for spec in specs(fixtures) where chosen.contains(spec.domain) {
      let t0 = ContinuousClock.now
      let runDir = outURL.appendingPathComponent("runs/\(spec.domain)").path
      if retrain { try? FileManager.default.removeItem(atPath: runDir) }
      let budget = quick ? spec.steps.quick : spec.steps.full
      Console.line("\n== \(spec.title) ==")
      let existing = try? RunDirectory(URL(fileURLWithPath: runDir)).manifest()
      func train(resuming: Bool) throws {
        var args = ["train", spec.domain, "--out", runDir, "--steps", String(budget), "--checkpoint-every", String(max(10, budget / 5))]
        args += resuming ? ["--resume"] : ["--data"] + spec.data + (quick ? Self.quickModel : spec.train)
        try runCommand(args)
      }
      let reused = existing.map { $0.progress.step >= budget } ?? false
      if let existing, reused {
        Console.line("reusing \(runDir) (step \(existing.progress.step); --retrain to train again)")
      } else {
        try train(resuming: existing != nil)
      }
      var commands: [String] = []
      func generateAll() throws {
        commands = []
        for g in spec.generate {
          let args = ["generate", runDir] + g.args.map { arg in g.files.contains(arg) ? outURL.appendingPathComponent(arg).path : arg }
          try runCommand(args)
          commands.append((["seqgen"] + args).map(Self.shellQuoted).joined(separator: " "))
        }
      }
      do { try generateAll() } catch where reused {
        // A model kept from an older seqgen may no longer load: train it again, once.
        Console.line("cannot use the saved model (\(error)); training it again")
        try FileManager.default.removeItem(atPath: runDir)
        try train(resuming: false)
        try generateAll()
      }
      let manifest = try RunDirectory(URL(fileURLWithPath: runDir)).checkpoint(.latest).manifest
      results.append(Result(spec: spec, manifest: manifest, commands: commands, seconds: (ContinuousClock.now - t0) / .seconds(1)))
    }
    let page = outURL.appendingPathComponent("index.html")
    try AtomicFile.write(Data(DemoPage.html(results, quick: quick, runsFolder: "runs", folder: outURL).utf8), to: page)
    Console.line(String(format: "\ndemo finished in %@; open %@", Training.duration((ContinuousClock.now - started) / .seconds(1)), page.path))
  }

  /// Runs one seqgen command in this process, echoing it first.
  private func runCommand(_ args: [String]) throws {
    Console.line("$ seqgen " + args.map(Self.shellQuoted).joined(separator: " "))
    var command = try SeqGen.parseAsRoot(args)
    try command.run()
  }

  /// The model every domain gets under --quick: a smoke test in seconds, even in a debug build.
  static let quickModel = ["--hidden-size", "32", "--num-layers", "1", "--batch-size", "8", "--seq-length", "32"]

  static func shellQuoted(_ s: String) -> String {
    s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
