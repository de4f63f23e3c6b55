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
    let primeURL = request.primePath.map { URL(fileURLWithPath: $0) }
    if options.showPrime, primeURL == nil {
      throw EngineError.invalidArgument("`showPrime` needs `prime` FILE (a file of strokes)")
    }
    let isComplete: ([PenStep]) -> Bool =
      options.strokes.map { wanted in { $0.last?.eos == true && $0.lazy.filter(\.eos).count >= wanted } } ?? { _ in
        false
      }
    let (samples, prime, generator) = try sample(
      run: run, request: request, prime: PrimeRequest(file: primeURL), length: options.pointLimit,
      isComplete: isComplete,
      onStep: { b, step, _ in events(.pen(sample: b, dx: Double(step.dx), dy: Double(step.dy), lift: step.eos)) })
    let manifest = try run.manifest()
    var metadata: [(key: String, value: String)] = [
      ("model", run.url.path), ("checkpoint", request.checkpoint.rawValue), ("step", "\(manifest.progress.step)"),
      ("seed", "\(request.seed)"),
      ("bias", "\(request.controls.bias ?? 0)"), ("temperature", "\(request.controls.temperature)"),
      ("count", "\(request.count)"),
    ]
    if let steps = options.steps { metadata.append(("steps", "\(steps)")) }
    if let strokes = options.strokes { metadata.append(("strokes", "\(strokes)")) }
    if let primeURL { metadata.append(("prime", primeURL.path)) }
    metadata.append(("seqgen", Manifest.seqgenVersion))
    let drawing = SVGWriter.Options(
      strokeWidth: options.strokeWidth, singleLine: options.singleLine, showPrime: options.showPrime, metadata: metadata
    )
    try write(samples, prime: prime, codec: generator.codec, to: url, options: drawing)
    let points = samples.map(\.count).reduce(0, +)
    let strokeCount = samples.map { $0.filter(\.eos).count }.reduce(0, +)
    events(
      .notice(
        "wrote \(request.count) sample\(request.count == 1 ? "" : "s") (\(points) points, \(strokeCount) pen lifts) to \(out)"
      ))
    return GenerationOutput(files: [url], figures: ["points": Double(points), "penLifts": Double(strokeCount)])
  }
}

extension HandwritingDomain {
  /// A served generation writes handwriting.svg (or the .inkml named) in the server's folder.
  public func served(_ request: GenerationRequest, options: HandwritingGenerationOptions, in folder: URL) throws -> (
    GenerationRequest, HandwritingGenerationOptions
  ) {
    var request = request
    request.out = ServedFile.path(request.out, in: folder, default: "handwriting.svg")
    return (request, options)
  }
}

extension HandwritingDomain {
  /// Three hundred points: a line of handwriting in a few seconds.
  public static var playgroundOptions: String { #"{"length": 300}"# }
}
