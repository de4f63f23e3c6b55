import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine
import SeqGenKit

/// `seqgen demo`: trains a small model per domain on the bundled fixtures, generates from each,
/// and writes a gallery page. Every step is an ordinary seqgen command (printed as it runs),
/// so the page can show the exact command that reproduces each result.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract:
      "Train every domain on the bundled fixtures and write a gallery page (about 15 minutes on 2 cores; --quick about 1).",
    discussion: """
      Runs are kept in OUT/runs/<domain>: running the demo again reuses them (it resumes a run \
      that is short of its budget) unless --retrain. Results and OUT/index.html are rewritten.

      Example: seqgen demo --domains text,notes --quick
      """
  )

  @Option(help: ArgumentHelp("Folder for the runs, the generated files and index.html.", valueName: "dir")) var out =
    "demo"
  @Option(help: ArgumentHelp("The bundled fixtures folder.", valueName: "dir")) var fixtures = "fixtures"
  @Option(help: "Comma-separated domains to run (default: all).") var domains: String?
  @Flag(help: "Tiny budgets (about a minute in all): a smoke test, not a showcase.") var quick = false
  @Flag(help: "Delete earlier demo runs and train from scratch.") var retrain = false
  @Flag(help: "Then serve the playground over the demo's runs (seqgen serve OUT/runs).") var serve = false
  @Option(help: "The playground's port with --serve (0: any free port).") var port: UInt16 = 8080

  /// The domains in the demo, in catalog order, with their recipes' placeholders filled in
  /// (data under `fixtures` unless a recipe makes its own in OUT/data/<domain>).
  func specs(_ fixtures: String) -> [Spec] {
    CommandCatalog.current.commands.compactMap { d in
      d.demo.map { recipe in
        let data = URL(fileURLWithPath: out).appendingPathComponent("data/\(d.name)").path
        let expand = { DemoRecipe.expand($0, fixtures: fixtures, data: data) }
        var recipe = recipe
        recipe.prepare = recipe.prepare.map { $0.map(expand) }
        recipe.data = recipe.data.map { $0.hasPrefix("{") ? expand($0) : "\(fixtures)/\($0)" }
        recipe.generate = recipe.generate.map { ($0.args.map(expand), $0.files) }
        return Spec(domain: d.name, recipe: recipe, dataFolder: data)
      }
    }
  }

  struct Spec {
    var domain: String
    var recipe: DemoRecipe
    /// Where `prepare` writes (the recipe's `{data}`).
    var dataFolder: String
  }

  func validate() throws {
    let known = Set(specs("").map(\.domain))
    for d in (domains ?? "").split(separator: ",") where !known.contains(String(d)) {
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
    try FileManager.default.createDirectory(
      at: outURL.appendingPathComponent("runs"), withIntermediateDirectories: true)
    let chosen = domains.map { Set($0.split(separator: ",").map(String.init)) } ?? Set(specs(fixtures).map(\.domain))
    let started = ContinuousClock.now
    var results: [Result] = []
    for spec in specs(fixtures) where chosen.contains(spec.domain) {
      let t0 = ContinuousClock.now
      let runDir = outURL.appendingPathComponent("runs/\(spec.domain)").path
      if retrain { try? FileManager.default.removeItem(atPath: runDir) }
      let budget = quick ? spec.recipe.steps.quick : spec.recipe.steps.full
      Console.line("\n== \(spec.recipe.title) ==")
      let existing = try? RunDirectory(URL(fileURLWithPath: runDir)).manifest()
      let trainArgs = [
        "train", spec.domain, "--out", runDir, "--steps", String(budget), "--checkpoint-every",
        String(max(10, budget / 5)),
      ]
      let freshArgs =
        trainArgs + ["--data"] + spec.recipe.data + spec.recipe.task + (quick ? Self.quickModel : spec.recipe.train)
      func train(resuming: Bool) throws {
        if !spec.recipe.prepare.isEmpty {
          // Made again each time a run trains (the commands are seeded): a resumed run reads the same data.
          try? FileManager.default.removeItem(atPath: spec.dataFolder)
          try FileManager.default.createDirectory(atPath: spec.dataFolder, withIntermediateDirectories: true)
          for command in spec.recipe.prepare { try runCommand(command) }
        }
        try runCommand(resuming ? trainArgs + ["--resume"] : freshArgs)
      }
      let reused = existing.map { $0.progress.step >= budget } ?? false
      if let existing, reused {
        Console.line("reusing \(runDir) (step \(existing.progress.step); --retrain to train again)")
      } else {
        try train(resuming: existing != nil)
      }
      var commands: [String] = []
      func generateAll() throws {
        // How to make the result again: the data (if the recipe makes it), the training, the generations.
        commands = (spec.recipe.prepare + [freshArgs]).map(Self.commandLine)
        for g in spec.recipe.generate {
          let args =
            ["generate", runDir]
            + g.args.map { arg in g.files.contains(arg) ? outURL.appendingPathComponent(arg).path : arg }
          try runCommand(args)
          commands.append(Self.commandLine(args))
        }
      }
      do { try generateAll() } catch  where existing != nil {
        // A model kept from an older seqgen may no longer load (or be another recipe's): train it again, once.
        Console.line("cannot use the saved model (\(error)); training it again")
        try FileManager.default.removeItem(atPath: runDir)
        try train(resuming: false)
        try generateAll()
      }
      let manifest = try RunDirectory(URL(fileURLWithPath: runDir)).checkpoint(.latest).manifest
      results.append(
        Result(spec: spec, manifest: manifest, commands: commands, seconds: (ContinuousClock.now - t0) / .seconds(1)))
    }
    let page = outURL.appendingPathComponent("index.html")
    try AtomicFile.write(Data(DemoPage.html(results, quick: quick, runsFolder: "runs", folder: outURL).utf8), to: page)
    Console.line(
      String(
        format: "\ndemo finished in %@; open %@", formatDuration((ContinuousClock.now - started) / .seconds(1)),
        page.path))
    if serve { try runCommand(["serve", outURL.appendingPathComponent("runs").path, "--port", String(port)]) }
  }

  /// Runs one seqgen command in this process, echoing it first.
  private func runCommand(_ args: [String]) throws {
    Console.line("$ " + Self.commandLine(args))
    try SeqGen.run(args)
  }

  static func commandLine(_ args: [String]) -> String { (["seqgen"] + args).map(shellQuoted).joined(separator: " ") }

  /// The model every domain gets under --quick: a smoke test in seconds, even in a debug build.
  static let quickModel = ["--hidden-size", "32", "--num-layers", "1", "--batch-size", "8", "--seq-length", "32"]

  static func shellQuoted(_ s: String) -> String {
    s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:".contains($0) }
      ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
