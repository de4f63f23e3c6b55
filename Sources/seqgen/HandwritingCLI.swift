import ArgumentParser
import Foundation
import HandwritingDomain
import SeqGenEngine

/// `seqgen train handwriting`: a Graves-style mixture-density LSTM on pen strokes.
struct TrainHandwriting: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "handwriting",
    abstract: "Mixture-density LSTM on pen strokes (InkML, IAM On-Line stroke XML, JSON stroke lists).",
    discussion: """
      One step is a pen offset (dx, dy) plus an end-of-stroke bit; offsets are divided by their
      standard deviation over the corpus. The head is Graves' mixture of --components bivariate
      Gaussians plus a Bernoulli end of stroke. Losses in the log are per point of normalised
      offsets; the summary at the end also gives them in the data's own units (bits per point
      with the normalisation undone) beside a one-Gaussian baseline.
      Example: seqgen train handwriting --data fixtures/handwriting/hershey-lines --out runs/hw --steps 2000
      """
  )

  @OptionGroup var flags: TrainFlags

  @Option(help: "Bivariate Gaussian components of the mixture-density head (Graves used 20).")
  var components = HandwritingDomain.defaultComponents

  @Option(help: ArgumentHelp("Clip pen offsets to ± this many data units before normalising (tames outliers such as jumps across the page).", valueName: "units"))
  var maxOffset: Float?

  func validate() throws {
    guard (1...HandwritingCodec.maxComponents).contains(components) else {
      throw ValidationError("--components must be in 1...\(HandwritingCodec.maxComponents), got \(components)")
    }
    if let maxOffset, !(maxOffset > 0 && maxOffset.isFinite) { throw ValidationError("--max-offset must be a positive number, got \(maxOffset)") }
  }

  func run() throws {
    try Training.run(HandwritingDomain(components: components, maxOffset: maxOffset), flags: flags)
    try HandwritingReport.summary(run: RunDirectory(URL(fileURLWithPath: flags.out)))
  }
}

/// The losses of a handwriting run in the units users compare across papers and tools.
enum HandwritingReport {
  /// One line: normalised nats per point, then data-unit nats and bits per point, then nats per
  /// sequence of `pointsPerSequence` points.
  static func line(_ label: String, natsPerPoint: Double, codec: HandwritingCodec, pointsPerSequence: Double?) -> String {
    let data = natsPerPoint + codec.natsPerPointToDataUnits
    var text = String(
      format: "%@: %.4f nats/point = %.4f bits/point in data units (normalised offsets: %.4f nats = %.4f bits/point)",
      label, data, data / M_LN2, natsPerPoint, natsPerPoint / M_LN2)
    if let pointsPerSequence { text += String(format: ", %.1f nats/sequence (× %.1f points)", data * pointsPerSequence, pointsPerSequence) }
    return text
  }

  /// After training: validation loss of the best checkpoint against the one-Gaussian baseline,
  /// both on the run's validation split and in data units.
  static func summary(run: RunDirectory) throws {
    let checkpoint = try run.checkpoint(.best)
    let m = checkpoint.manifest
    let codec = try m.codec(as: HandwritingCodec.self, path: checkpoint.url.path)
    let domain = HandwritingDomain(components: codec.components, maxOffset: codec.maxOffset)
    let sequences = try domain.read(m.data.paths.map { URL(fileURLWithPath: $0) })
    let (train, validation) = m.training.split(sequences)
    let perSequence = Double(sequences.map { $0.steps.count - 1 }.reduce(0, +)) / Double(max(sequences.count, 1))
    Console.line(String(format: "offsets normalised by sx = %.4g, sy = %.4g data units: add log2(sx·sy) = %.4f bits per point for data units",
      codec.scaleX, codec.scaleY, codec.natsPerPointToDataUnits / M_LN2))
    guard let best = m.progress.bestValidationLoss, !validation.isEmpty else { return }
    Console.line(line("validation (best, step \(m.progress.bestStep ?? m.progress.step))", natsPerPoint: best, codec: codec, pointsPerSequence: perSequence))
    let baseline = HandwritingBaseline(fitting: train, codec: codec).evaluate(validation, codec: codec)
    Console.line(line("baseline, one bivariate Gaussian + Bernoulli fitted to the training offsets", natsPerPoint: baseline.natsPerStep, codec: codec, pointsPerSequence: perSequence))
  }
}

/// `seqgen generate` flags that only handwriting runs use.
struct HandwritingGenerateFlags: ParsableArguments {
  @Option(help: ArgumentHelp("Graves' sampling bias b ≥ 0: σ = exp(σ̂ − b), π = softmax(π̂·(1 + b)); larger is neater, less varied (handwriting).", valueName: "b"))
  var bias: Float?

  @Option(help: "Points to generate per sample (handwriting; same as --length).")
  var steps: Int?

  @Option(help: "Stop each sample after this many strokes, i.e. pen lifts (handwriting).")
  var strokes: Int?

  @Flag(help: "Draw the --prime strokes first, in a lighter colour (handwriting).")
  var showPrime = false

  @Option(help: ArgumentHelp("SVG line width in data units (default: 1/40 of the row height) (handwriting).", valueName: "units"))
  var strokeWidth: Double?

  @Flag(help: "Pen-plotter SVG: one bare path per stroke, no fill or styling (handwriting).")
  var singleLine = false

  func validate() throws {
    if let steps, !(1...10_000_000).contains(steps) { throw ValidationError("--steps must be in 1...10000000, got \(steps)") }
    if let strokes, !(1...1_000_000).contains(strokes) { throw ValidationError("--strokes must be in 1...1000000, got \(strokes)") }
    if let strokeWidth, !(strokeWidth > 0 && strokeWidth.isFinite) { throw ValidationError("--stroke-width must be a positive number, got \(strokeWidth)") }
  }

  /// The flags given on the command line.
  var given: [String] {
    [
      bias.map { _ in "--bias" }, steps.map { _ in "--steps" }, strokes.map { _ in "--strokes" }, showPrime ? "--show-prime" : nil,
      strokeWidth.map { _ in "--stroke-width" }, singleLine ? "--single-line" : nil,
    ].compactMap { $0 }
  }

  /// Rejects these flags on a run of another domain.
  func check(domain: String) throws {
    guard domain != HandwritingDomain.name, !given.isEmpty else { return }
    throw ValidationError("\(given.joined(separator: ", ")) appl\(given.count == 1 ? "ies" : "y") to handwriting runs only; this run is \(domain)")
  }
}

extension GenerateCommand {
  /// Handwriting generation: points or strokes, Graves bias, a prime file of strokes, and the
  /// samples written as SVG (one row each) or InkML.
  func generateHandwriting(dir: RunDirectory) throws {
    guard let out else { throw ValidationError("handwriting samples are drawn, not printed; give --out sample.svg (or .inkml)") }
    let url = URL(fileURLWithPath: out)
    guard ["svg", "inkml"].contains(url.pathExtension.lowercased()) else { throw HandwritingError.unsupportedOutput(path: out) }
    if skipUnknown { throw ValidationError("--skip-unknown applies to text runs only") }
    if prime != nil, primeFile != nil { throw ValidationError("give --prime FILE or --prime-file FILE, not both") }
    let flags = handwriting
    let primeURL = (prime ?? primeFile).map { URL(fileURLWithPath: $0) }
    if flags.showPrime, primeURL == nil { throw ValidationError("--show-prime needs --prime FILE (a file of strokes)") }
    var command = self
    command.length = flags.steps ?? flags.strokes.map { min($0 * 1000, 10_000_000) } ?? length
    let domain = HandwritingDomain()
    let isComplete: ([PenStep]) -> Bool = flags.strokes.map { wanted in { $0.last?.eos == true && $0.lazy.filter(\.eos).count >= wanted } } ?? { _ in false }
    let (samples, primeSteps, generator) = try command.sample(domain, dir: dir, primeRequest: PrimeRequest(file: primeURL), isComplete: isComplete)
    let manifest = try dir.manifest()
    var metadata: [(key: String, value: String)] = [
      ("model", dir.url.path), ("checkpoint", checkpoint.rawValue), ("step", "\(manifest.progress.step)"), ("seed", "\(seed)"),
      ("bias", "\(flags.bias ?? 0)"), ("temperature", "\(temperature)"), ("count", "\(count)"),
    ]
    if let steps = flags.steps { metadata.append(("steps", "\(steps)")) }
    if let strokes = flags.strokes { metadata.append(("strokes", "\(strokes)")) }
    if let primeURL { metadata.append(("prime", primeURL.path)) }
    metadata.append(("seqgen", Manifest.seqgenVersion))
    let options = SVGWriter.Options(strokeWidth: flags.strokeWidth, singleLine: flags.singleLine, showPrime: flags.showPrime, metadata: metadata)
    try domain.write(samples, prime: primeSteps, codec: generator.codec, to: url, options: options)
    let points = samples.map(\.count).reduce(0, +), strokeCount = samples.map { $0.filter(\.eos).count }.reduce(0, +)
    Console.warn("wrote \(count) sample\(count == 1 ? "" : "s") (\(points) points, \(strokeCount) pen lifts) to \(out)")
  }
}

extension EvalCommand {
  /// For handwriting, the same loss in data units and per sequence (Graves' unit), beside the
  /// one-Gaussian baseline fitted to the run's own training data (when its files are still there).
  func reportHandwriting<Codec, Step>(_ loss: Loss, codec: Codec, sequences: [SourceSequence<Step>], manifest: Manifest) {
    guard let codec = codec as? HandwritingCodec, let sequences = sequences as? [SourceSequence<PenStep>], loss.steps > 0 else { return }
    let perSequence = Double(loss.steps) / Double(max(sequences.filter { $0.steps.count >= 2 }.count, 1))
    Console.line(HandwritingReport.line("model", natsPerPoint: loss.natsPerStep, codec: codec, pointsPerSequence: perSequence))
    let domain = HandwritingDomain(components: codec.components, maxOffset: codec.maxOffset)
    guard let corpus = try? domain.read(manifest.data.paths.map { URL(fileURLWithPath: $0) }) else {
      Console.warn("(no baseline: the run's training data \(manifest.data.paths.joined(separator: ", ")) cannot be read)")
      return
    }
    let train = manifest.training.split(corpus).train
    let baseline = HandwritingBaseline(fitting: train, codec: codec).evaluate(sequences, codec: codec)
    Console.line(HandwritingReport.line("baseline (one bivariate Gaussian + Bernoulli fitted to the run's training offsets)", natsPerPoint: baseline.natsPerStep, codec: codec, pointsPerSequence: perSequence))
  }
}
