import Foundation
import SeqGenCLI
import SeqGenCommands
import SeqGenEngine
import SeqGenKit
import SeqGenTesting
import Testing

/// A sixth, test-only domain plugged in with its own folder (`IntegerDomain/`) and the one
/// catalog line below: it trains, generates, evaluates and inspects through the same
/// command-line kit as the real domains, and passes the shared conformance checks.
@Suite(.serialized) struct IntegerDomainTests {
  /// The catalog line.
  static let catalog = CommandCatalog([IntegerCommands.self])

  /// A corpus of counting runs: 0 1 2 … 9 0 1 … in two files.
  static func corpus(in dir: TemporaryDirectory) throws -> [String] {
    try (0..<2).map { f in
      try dir.write("count\(f).txt", (0..<300).map { String(($0 + f) % 10) }.joined(separator: " "))
    }
  }

  /// Runs a seqgen command line in this process; returns what it printed on stdout and stderr.
  @discardableResult
  static func seqgen(_ arguments: [String]) throws -> (out: String, err: String) {
    let printed = Printed()
    try Console.$capture.withValue(
      { printed.append($0, isError: $1) }, operation: { try SeqGen.run(arguments, catalog: catalog) })
    return printed.both
  }

  static let tiny = [
    "--hidden-size", "16", "--num-layers", "1", "--batch-size", "2", "--seq-length", "16", "--seed", "3",
  ]

  @Test func passesTheSharedDomainChecks() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let bad = try dir.file("bad.txt", "1 2 three")
    try DomainConformance.check(
      IntegerDomain(), corpus: try Self.corpus(in: dir).map { URL(fileURLWithPath: $0) },
      badFiles: [bad, dir.at("missing.txt")])
  }

  @Test func trainsGeneratesEvaluatesAndInspectsThroughTheKit() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = try Self.corpus(in: dir)
    let run = dir.path("run")
    let trained = try Self.seqgen(
      ["train", "integers", "--data"] + data + ["--out", run, "--steps", "60", "--checkpoint-every", "30"] + Self.tiny)
    #expect(trained.out.contains("training integers: 1×16 LSTM"))
    #expect(trained.out.contains("checkpoint at step 60"))
    let manifest = try RunDirectory(URL(fileURLWithPath: run)).manifest()
    #expect(manifest.domain == "integers" && manifest.progress.step == 60)
    #expect(manifest.training.learningRate == 1e-2, "the domain's recipe where no flag is given")

    // Streamed to the captured stdout, routed by the manifest; the model has learnt to count.
    let streamed = try Self.seqgen(["generate", run, "--prime", "3 4 5", "--length", "12", "--argmax"])
    let values = streamed.out.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    #expect(values.count == 15, "\(streamed.out)")
    let counted = zip(values, values.dropFirst()).filter { ($0.0 + 1) % 10 == $0.1 }.count
    #expect(counted >= 13, "argmax continuation does not count: \(values)")

    // Written to a file, the same seed twice gives the same samples.
    let a = dir.path("a.txt")
    let b = dir.path("b.txt")
    try Self.seqgen(["generate", "integers", run, "--count", "3", "--length", "20", "--seed", "9", "--out", a])
    try Self.seqgen(["generate", run, "--count", "3", "--length", "20", "--seed", "9", "--out", b])
    #expect(try String(contentsOfFile: a, encoding: .utf8) == String(contentsOfFile: b, encoding: .utf8))
    #expect(try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n").count == 3)

    let evaluated = try Self.seqgen(["eval", run, "--data", data[1]])
    #expect(evaluated.out.contains("bits/integer"), "\(evaluated.out)")
    let inspected = try Self.seqgen(["inspect", run])
    #expect(
      inspected.out.contains("domain       integers") && inspected.out.contains("step 60 of 60"), "\(inspected.out)")
  }

  /// The library layer without any front end: a training session reports its lines and ends
  /// with the manifest, and a generation session found through a catalog takes its options as
  /// JSON, as the playground's server does.
  @Test func sessionsTrainAndGenerateWithoutAFrontEnd() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let run = RunDirectory(dir.at("run"))
    var options = IntegerDomain().trainingDefaults
    (options.hiddenSize, options.numLayers, options.batchSize, options.seqLength, options.steps) = (16, 1, 2, 16, 20)
    options.checkpointEvery = 20
    let session = TrainingSession(
      domain: IntegerDomain(), data: try Self.corpus(in: dir), run: run, resume: false, options: options)
    var lines: [String] = []
    var trained: Manifest?
    let manifest = try session.start { event in
      switch event {
      case .line(let line), .progress(let line), .failed(let line): lines.append(line)
      case .trained(let m): trained = m
      }
    }
    #expect(manifest.progress.step == 20 && trained?.progress.step == 20)
    #expect(lines.first?.hasPrefix("training integers: 1×16 LSTM") == true, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("checkpoint at step 20") }, "\(lines)")

    let catalog = DomainCatalog([IntegerDomain()])
    let generation = try GenerationSession(run: run, catalog: catalog)
    #expect(generation.domain == "integers" && generation.optionSettings.map(\.name).contains("length"))
    let (output, settings) = try generation.generate(
      GenerationRequest(seed: 3, count: 2), options: Data(#"{"length": 7}"#.utf8))
    #expect(output.texts?.count == 2 && settings["length"] == .number(7))
    #expect(throws: GenerationSessionError.self) {
      try generation.generate(GenerationRequest(), options: Data(#"{"length": "long"}"#.utf8))
    }
    #expect(throws: EngineError.self) { try GenerationSession(run: run, catalog: DomainCatalog([])) }
  }

  /// A domain's recipe fills what the user left out; what the user gave wins; --epochs replaces
  /// the recipe's steps.
  @Test func aDomainsTrainingDefaultsYieldToTheFlags() throws {
    var recipe = TrainingOptions()
    recipe.seqLength = 100
    recipe.hiddenSize = 64
    recipe.steps = 6000
    recipe.learningRate = 5e-3
    recipe.lrDecay = 0.5
    recipe.dropout = 0.2
    let given = try TrainFlags<IntegerCommands>.parse([
      "--data", "d", "--out", "r", "--seq-length", "7", "--batch-size", "8",
    ])
    let o = given.options(defaults: recipe)
    #expect(
      o.seqLength == 7 && o.batchSize == 8 && o.hiddenSize == 64 && o.steps == 6000 && o.learningRate == 5e-3
        && o.lrDecay == 0.5 && o.lrDecayEvery == TrainingOptions().lrDecayEvery && o.dropout == 0.2)
    // By default the flags fall back on the domain's own recipe, which its help shows.
    let own = IntegerDomain().trainingDefaults
    #expect(
      given.options().hiddenSize == own.hiddenSize && given.options().seqLength == 7
        && given.options().steps == own.steps && given.options().learningRate == own.learningRate)
    let help = TrainFlags<IntegerCommands>.helpMessage()
    #expect(help.contains("Adam learning rate (default \(own.learningRate))"), "\(help)")
    let rate = try TrainFlags<IntegerCommands>.parse([
      "--data", "d", "--out", "r", "--learning-rate", "0.001", "--lr-decay", "1",
    ])
    .options(defaults: recipe)
    #expect(rate.learningRate == 1e-3 && rate.lrDecay == 1)
    let epochs = try TrainFlags<IntegerCommands>.parse(["--data", "d", "--out", "r", "--epochs", "2"]).options(
      defaults: recipe)
    #expect(epochs.steps == nil && epochs.epochs == 2)
    #expect(
      try TrainFlags<IntegerCommands>.parse(["--data", "d", "--out", "r", "--steps", "9"]).options(defaults: recipe)
        .steps == 9)
  }

  @Test func aFlagTheDomainLacksIsRefusedByTheParserNamingTheDomain() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let run = dir.path("run")
    try Self.seqgen(
      ["train", "integers", "--data"] + (try Self.corpus(in: dir)) + ["--out", run, "--steps", "2"] + Self.tiny)
    for flag in [["--bias", "1"], ["--seconds", "2"], ["--strokes", "3"]] {
      do {
        try Self.seqgen(["generate", run] + flag)
        Issue.record("\(flag) was accepted")
      } catch {
        let line = SeqGen.errorLine(for: error)
        #expect(line.contains(flag[0]) && line.contains("not a flag of integers runs"), "\(line)")
      }
    }
    // A shared control the head does not read is refused by the engine, named as a flag.
    #expect(Self.catalog.spellingFlags("`topK` is not read") == "--top-k is not read")
  }
}

/// What a command run in-process printed, on stdout and stderr.
final class Printed: @unchecked Sendable {
  private let lock = NSLock()
  private var out = ""
  private var err = ""

  func append(_ text: String, isError: Bool) {
    lock.withLock { if isError { err += text } else { out += text } }
  }

  var both: (out: String, err: String) { lock.withLock { (out, err) } }
}
