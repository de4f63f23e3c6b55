import Foundation
import SeqGenEngine
import Testing

/// The checks every `SequenceDomain` must pass, shipped as the `SeqGenTesting` product so a
/// domain in another package runs the same suite (as swift-configuration ships one
/// compatibility suite for all its providers).
///
/// Call `DomainConformance.check(domain, corpus:badFiles:)` from a `@Test` in the domain's
/// tests with a few real fixture files and files its readers must reject; or call the named
/// checks one by one, each from a test of its own.
public enum DomainConformance {
  /// Every check below, in order.
  public static func check<D: SequenceDomain>(
    _ domain: D, corpus: [URL], badFiles: [URL], trainingOptions: TrainingOptions? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws where D.Head.Sample == D.Head.Target {
    let (domain, sequences) = try readsTheCorpus(domain, corpus: corpus, sourceLocation: sourceLocation)
    let codec = try domain.makeCodec(for: sequences)
    let steps = try domain.tokenized(sequences, codec: codec)
    try encodingRoundTrips(domain, sequences: steps, codec: codec, sourceLocation: sourceLocation)
    try codecSurvivesJSON(domain, sequences: steps, codec: codec, sourceLocation: sourceLocation)
    try trainsAndGeneratesDeterministically(
      domain, sequences: sequences, dataPaths: corpus.map(\.path), trainingOptions: trainingOptions,
      sourceLocation: sourceLocation)
    try trainsAndGeneratesWithLabels(
      domain, sequences: sequences, dataPaths: corpus.map(\.path), trainingOptions: trainingOptions,
      sourceLocation: sourceLocation)
    badFilesFailInOneLineNamingTheFile(domain, badFiles: badFiles, sourceLocation: sourceLocation)
    try generationOptionsAreDescribed(D.self, sourceLocation: sourceLocation)
  }

  /// Every generation option is described once (`Setting`): unique names, a label and one line
  /// of help each, every field the default options encode among them, and a default within its
  /// own range; and `{}` decodes to the defaults.
  public static func generationOptionsAreDescribed<D: SequenceDomain>(
    _: D.Type, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let settings = D.GenerationOptions.settings
    let names = settings.map(\.name)
    #expect(Set(names).count == names.count, "settings named twice: \(names)", sourceLocation: sourceLocation)
    for s in settings {
      #expect(
        !s.label.isEmpty && !s.help.isEmpty && !s.help.contains("\n"), "setting \(s.name) needs a label and a line",
        sourceLocation: sourceLocation)
      if case .number(let value)? = s.defaultValue { try s.check(value) }
    }
    let defaults = try D.GenerationOptions.decode(withDefaults: Data("{}".utf8))
    if case .object(let fields) = try JSONValue.encoding(defaults) {
      let undescribed = Set(fields.keys).subtracting(names)
      #expect(undescribed.isEmpty, "options without a description: \(undescribed)", sourceLocation: sourceLocation)
    }
    try defaults.checkRanges()
  }

  /// The domain, resolved for `corpus`, reads it into at least one sequence; returns both.
  @discardableResult
  public static func readsTheCorpus<D: SequenceDomain>(
    _ domain: D, corpus: [URL], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> (D, [SourceSequence<D.Step>]) {
    let domain = try domain.resolved(for: corpus)
    let sequences = try domain.read(corpus)
    #expect(!sequences.isEmpty, "reading \(corpus) gave no sequences", sourceLocation: sourceLocation)
    return (domain, sequences)
  }

  /// Every step encodes to an input of the declared kind and width, and its target, taken as a
  /// sample, decodes to a step that encodes to the same input; the head has outputs.
  public static func encodingRoundTrips<D: SequenceDomain>(
    _ domain: D, sequences: [SourceSequence<D.Step>], codec: D.Codec,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws where D.Head.Sample == D.Head.Target {
    let kind = domain.inputKind(codec)
    #expect(domain.makeHead(codec).outputSize > 0, sourceLocation: sourceLocation)
    for sequence in sequences.prefix(5) {
      for step in sequence.steps.prefix(500) {
        let input = try domain.input(step, codec: codec)
        switch (input, kind) {
        case (.index(let k), .categorical(let n)): #expect(k >= 0 && k < n, sourceLocation: sourceLocation)
        case (.dense(let row), .dense(let n)):
          #expect(row.count == n, sourceLocation: sourceLocation)
          #expect(row.allSatisfy { $0.isFinite }, sourceLocation: sourceLocation)
        default: Issue.record("input \(input) does not match kind \(kind)", sourceLocation: sourceLocation)
        }
        let back = domain.step(from: try domain.target(step, codec: codec), codec: codec)
        let again = try domain.input(back, codec: codec)
        if case .dense(let a) = input, case .dense(let b) = again {
          #expect(
            zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) }, "dense round trip",
            sourceLocation: sourceLocation)
        } else {
          #expect(again == input, "target → step → input round trip", sourceLocation: sourceLocation)
        }
      }
    }
  }

  /// The codec survives the manifest's JSON: the decoded codec encodes a step as the original does.
  public static func codecSurvivesJSON<D: SequenceDomain>(
    _ domain: D, sequences: [SourceSequence<D.Step>], codec: D.Codec,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let decoded = try JSONDecoder().decode(D.Codec.self, from: try JSONEncoder().encode(codec))
    if let first = sequences.first?.steps.first {
      #expect(
        try domain.input(first, codec: decoded) == (try domain.input(first, codec: codec)),
        sourceLocation: sourceLocation)
    }
  }

  /// A tiny model trains three steps; the default prime is not empty; seeded generation is
  /// deterministic and its samples can be written.
  public static func trainsAndGeneratesDeterministically<D: SequenceDomain>(
    _ domain: D, sequences: [SourceSequence<D.Step>], dataPaths: [String], trainingOptions: TrainingOptions? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let temporary = try TemporaryDirectory("seqgen-conformance")
    defer { temporary.remove() }
    let dir = temporary.at("run")
    var options = trainingOptions ?? .tiny(steps: 3)
    options.steps = 3
    let trainer = try Trainer(
      domain: domain, sequences: sequences, dataPaths: dataPaths, options: options, run: RunDirectory(dir),
      resume: false)
    try trainer.run()
    let generator = try Generator(domain: domain, checkpoint: RunDirectory(dir).checkpoint())
    let prime = try domain.prime(PrimeRequest(), codec: generator.codec)
    #expect(!prime.isEmpty, "the default prime must have at least one step", sourceLocation: sourceLocation)
    let a = try generator.generate(prime: prime, length: 20, count: 2, controls: SamplingControls(), seed: 3)
    let b = try generator.generate(prime: prime, length: 20, count: 2, controls: SamplingControls(), seed: 3)
    let inputsA = try a.flatMap { try $0.map { try domain.input($0, codec: generator.codec) } }
    let inputsB = try b.flatMap { try $0.map { try domain.input($0, codec: generator.codec) } }
    #expect(inputsA == inputsB, "same seed, same samples", sourceLocation: sourceLocation)
    #expect(throws: EngineError.self, "a label given to a run without labels is refused") {
      try generator.generate(prime: prime, length: 1, count: 1, controls: SamplingControls(), seed: 3, label: "x")
    }
    let out = dir.appendingPathComponent("samples.out")
    try domain.write(a, codec: generator.codec, to: out)
    #expect(FileManager.default.fileExists(atPath: out.path), sourceLocation: sourceLocation)
  }

  /// Per-sequence labels work in every domain: a model trained on the sequences labelled "even"
  /// and "odd" by their place lists both, samples differently under each from the same seed,
  /// and refuses a label it does not have, naming the ones it has.
  public static func trainsAndGeneratesWithLabels<D: SequenceDomain>(
    _ domain: D, sequences: [SourceSequence<D.Step>], dataPaths: [String], trainingOptions: TrainingOptions? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let temporary = try TemporaryDirectory("seqgen-conformance-labels")
    defer { temporary.remove() }
    let dir = temporary.at("run")
    var options = trainingOptions ?? .tiny(steps: 3)
    options.steps = 3
    var labelled = sequences
    for i in labelled.indices { labelled[i].label = i % 2 == 0 ? "even" : "odd" }
    if labelled.count == 1 { labelled.append(labelled[0]) }
    labelled[labelled.count - 1].label = "odd"
    let trainer = try Trainer(
      domain: domain, sequences: labelled, dataPaths: dataPaths, options: options, run: RunDirectory(dir),
      resume: false)
    try trainer.run()
    let generator = try Generator(domain: domain, checkpoint: RunDirectory(dir).checkpoint())
    #expect(generator.config.labels == ["even", "odd"], sourceLocation: sourceLocation)
    let prime = try domain.prime(PrimeRequest(), codec: generator.codec)
    func inputs(_ label: String) throws -> [StepInput] {
      let samples = try generator.generate(
        prime: prime, length: 20, count: 2, controls: SamplingControls(), seed: 3, label: label)
      return try samples.flatMap { try $0.map { try domain.input($0, codec: generator.codec) } }
    }
    #expect(try inputs("even") != (try inputs("odd")), "the label changes the samples", sourceLocation: sourceLocation)
    do {
      _ = try inputs("neither")
      Issue.record("an unknown label should be refused", sourceLocation: sourceLocation)
    } catch {
      #expect("\(error)".contains("even, odd"), "\(error)", sourceLocation: sourceLocation)
    }
  }

  /// Bad files fail with a one-line error naming the file, never a crash.
  public static func badFilesFailInOneLineNamingTheFile<D: SequenceDomain>(
    _ domain: D, badFiles: [URL], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for bad in badFiles {
      do {
        _ = try domain.read([bad])
        Issue.record("reading \(bad.lastPathComponent) should have failed", sourceLocation: sourceLocation)
      } catch {
        let text = "\(error)"
        #expect(
          text.contains(bad.lastPathComponent), "error does not name the file: \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("\n"), "error is not one line: \(text)", sourceLocation: sourceLocation)
      }
    }
  }
}
