import Foundation
import SeqGenEngine

extension HandwritingDomain {
  /// Points or strokes primed from a file of strokes, drawn as SVG (one row per sample) or
  /// written as InkML, with the settings in the file's metadata.
  public func generate(
    run: RunDirectory, request: GenerationRequest, options: HandwritingGenerationOptions,
    events: (GenerationEvent) -> Void
  ) throws -> GenerationOutput {
    try request.validate()
    try options.validate()
    guard let out = request.out else {
      throw EngineError.invalidArgument("handwriting samples are drawn, not printed; give `out` sample.svg (or .inkml)")
    }
    let url = URL(fileURLWithPath: out)
    guard ["svg", "inkml"].contains(url.pathExtension.lowercased()) else {
      throw HandwritingError.unsupportedOutput(path: out)
    }
    if options.style != nil && request.primePath != nil {
      throw EngineError.invalidArgument("give `style` or `prime`, not both (for a given text they are the same)")
    }
    let primeURL = (options.style ?? request.primePath).map { URL(fileURLWithPath: $0) }
    let isComplete: ([PenStep]) -> Bool =
      options.strokes.map { wanted in { $0.last?.eos == true && $0.lazy.filter(\.eos).count >= wanted } } ?? { _ in
        false
      }
    let texts = try options.texts()
    let samples: [[PenStep]]
    let prime: [PenStep]
    let generator: Generator<HandwritingDomain>
    if let texts {
      (samples, prime, generator) = try write(
        texts, run: run, request: request, options: options, prime: primeURL, events: events)
    } else {
      (samples, prime, generator) = try sample(
        run: run, request: request, prime: PrimeRequest(file: primeURL), length: options.pointLimit,
        isComplete: isComplete,
        onPrime: { _, g in
          if g.codec.alphabet != nil {
            throw EngineError.invalidArgument(
              "\(run.url.path) writes a given text (it was trained on transcriptions); give `text` or `textFile`")
          }
        },
        onStep: { b, step, _ in events(.pen(sample: b, dx: Double(step.dx), dy: Double(step.dy), lift: step.eos)) })
    }
    let manifest = try run.manifest()
    var metadata: [(key: String, value: String)] = [
      ("model", run.url.path), ("checkpoint", request.checkpoint.rawValue),
      ("step", "\(manifest.step(of: request.checkpoint))"),
      ("seed", "\(request.seed)"),
      ("bias", "\(request.controls.bias ?? 0)"), ("temperature", "\(request.controls.temperature)"),
      ("count", "\(request.count)"),
    ]
    if let steps = options.steps { metadata.append(("steps", "\(steps)")) }
    if let strokes = options.strokes { metadata.append(("strokes", "\(strokes)")) }
    if let primeURL { metadata.append(("prime", primeURL.path)) }
    if let texts { metadata.append(("text", texts.joined(separator: "\n"))) }
    metadata.append(("seqgen", Manifest.seqgenVersion))
    let drawing = SVGWriter.Options(
      strokeWidth: options.strokeWidth, singleLine: options.singleLine, showPrime: !options.stripPrime,
      metadata: metadata
    )
    try write(samples, prime: prime, codec: generator.codec, to: url, options: drawing)
    let points = samples.map(\.count).reduce(0, +)
    let strokeCount = samples.map { $0.filter(\.eos).count }.reduce(0, +)
    events(
      .notice(
        "wrote \(samples.count) sample\(samples.count == 1 ? "" : "s") (\(points) points, \(strokeCount) pen lifts) to \(out)"
      ))
    return GenerationOutput(files: [url], figures: ["points": Double(points), "penLifts": Double(strokeCount)])
  }
}

extension HandwritingDomain {
  /// Each text written `count` times by a text-conditioned model, the rows of one text after
  /// another. A `prime` file is Graves' style priming: its strokes prime the model while its
  /// own transcription, followed by the text, is the condition, so the text continues in that hand.
  /// A row ends when the window has passed the text's end, or after three times the corpus's
  /// points per character (so it always ends).
  func write(
    _ texts: [String], run: RunDirectory, request: GenerationRequest, options: HandwritingGenerationOptions,
    prime primeURL: URL?, events: (GenerationEvent) -> Void
  ) throws -> (samples: [[PenStep]], prime: [PenStep], generator: Generator<HandwritingDomain>) {
    let generator = try Generator(domain: self, checkpoint: try run.checkpoint(request.checkpoint))
    let codec = generator.codec
    guard codec.alphabet != nil else {
      throw EngineError.invalidArgument(
        "\(run.url.path) was trained without transcriptions (no text condition); it cannot write a given text")
    }
    var style: [Int] = []
    if let primeURL {
      var transcripts = IAMTranscripts()
      let pieces = try InkReader.read(primeURL, transcripts: &transcripts)
      let written = pieces.compactMap(\.text).joined(separator: " ")
      guard !written.isEmpty else {
        throw HandwritingError.noTranscription(path: primeURL.path, reason: pieces.first?.untranscribed)
      }
      style = try codec.classes(of: written + " ", source: primeURL.path, skipUnknown: true)
    }
    let prime = try generator.domain.prime(PrimeRequest(file: primeURL), codec: codec)
    var samples: [[PenStep]] = []
    for (i, text) in texts.enumerated() {
      let classes = try codec.classes(of: text, source: "`text`", skipUnknown: options.skipUnknown)
      guard !classes.isEmpty else {
        throw EngineError.invalidOption(
          name: "text", reason: "\(text.debugDescription) has no character the model knows")
      }
      let perCharacter = codec.pointsPerCharacter ?? 30
      let limit = min(
        Int((3 * perCharacter * Double(classes.count + 1)).rounded(.up)), HandwritingGenerationOptions.maxSteps)
      let first = samples.count
      let rows = try generator.generate(
        prime: prime, length: limit, count: request.count, controls: request.controls,
        seed: request.seed &+ UInt64(i), condition: style + classes, label: request.label,
        onStep: { b, step in
          events(.pen(sample: first + b, dx: Double(step.dx), dy: Double(step.dy), lift: step.eos))
        }, cancellation: request.cancellation)
      samples += rows.map { $0.count < limit ? Self.endingAtLastLift($0) : $0 }
    }
    return (samples, prime, generator)
  }

  /// A row that Graves' rule ended, cut back to its last pen lift. The window passes the text's
  /// end only after the pen has lifted from the last character, and in the steps between, the
  /// model (which never saw anything written after a line's end) starts a stroke the text does
  /// not have: the trailing dot or scribble users of other implementations report.
  static func endingAtLastLift(_ row: [PenStep]) -> [PenStep] {
    guard let lift = row.lastIndex(where: \.eos) else { return row }
    return Array(row[...lift])
  }

  /// A served generation writes handwriting.svg (or the .inkml named) in the server's folder.
  /// No text file or style file (a server reads no paths; the style comes as the prime
  /// upload), and no text at all for a model trained without transcriptions.
  public func servedSettings(_ codec: HandwritingCodec) -> [Setting] {
    let unread: Set = codec.alphabet == nil ? ["textFile", "style", "text", "skipUnknown"] : ["textFile", "style"]
    return HandwritingGenerationOptions.settings.filter { !unread.contains($0.name) }
  }

  public func served(_ request: GenerationRequest, options: HandwritingGenerationOptions, in folder: URL) throws -> (
    GenerationRequest, HandwritingGenerationOptions
  ) {
    var request = request
    request.out = ServedFile.path(request.out, in: folder, default: "handwriting.svg")
    if options.textFile != nil { throw EngineError.invalidArgument("a server reads no `textFile`; send `text`") }
    if options.style != nil {
      throw EngineError.invalidArgument("a server reads no `style` file; send the line as the prime upload")
    }
    return (request, options)
  }
}

extension HandwritingDomain {
  /// Three hundred points: a line of handwriting in a few seconds.
  public static var playgroundOptions: String { #"{"length": 300}"# }
}
