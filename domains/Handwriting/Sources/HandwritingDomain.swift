import Foundation
import SeqGenEngine

/// Online handwriting as pen offsets with an end-of-stroke bit, modelled by Graves' mixture
/// density head (Graves 2013, "Generating Sequences With Recurrent Neural Networks", section 4).
///
/// Reads W3C InkML, IAM On-Line stroke XML and JSON stroke lists (by content). One file, or one
/// top-level InkML `<traceGroup>`, is one sequence; the LSTM state is zeroed between them.
/// Offsets are normalised by their standard deviation over the corpus (saved in the codec) and
/// optionally clipped to ±`maxOffset` data units first. Generated strokes are written as SVG or
/// InkML.
public struct HandwritingDomain: SequenceDomain {
  public typealias Step = PenStep
  public typealias Codec = HandwritingCodec
  public typealias Head = MixtureDensityHead

  public static let name = "handwriting"
  public static let stepUnit = "point"
  /// Whole lines held out: a line's tail scored from a zeroed state (the pen's place in a letter
  /// unknown) rose from the first checkpoints while whole lines kept falling (demo recipe, 1200
  /// steps: tail 3.48 → 3.13 → 3.89 bits/point, best at step 500; files 0.07 → −1.83, best last).
  public static let defaultValidationSplit = ValidationSplit.files
  /// Primed from files of its own format only.
  public static let primesFromText = false
  /// Graves' choice: 20 bivariate Gaussians.
  public static let defaultComponents = 20
  /// An unconditional model trains with Adam at 8e-3: on the bundled lines, at the default 1,500
  /// steps (45 s, AMD EPYC, 2 cores; `scripts/equal_time.py`, seeds 1–2, whole lines held out)
  /// it held out −2.109 bits/point against −1.766 at the general 2e-3 (−2.002 at 4e-3; chunks of
  /// 100 points in the same time −1.489).
  ///
  /// A model that writes a given text keeps 2e-3 and takes chunks of 100 points (a few
  /// characters, so the window sees where it is) and 6,000 steps, 15–17 minutes on 2 cores. On
  /// 20,000 `seqgen hershey` lines that wrote unseen lines at an OCR character error rate of
  /// 0.29–0.37 against the fonts' own 0.18–0.20 (`scripts/legibility.py`); a 2×192 model given
  /// the same time wrote worse (0.42), given 1.5 times as long better (0.25).
  public var trainingDefaults: TrainingOptions {
    var o = TrainingOptions()
    guard conditionOnText else {
      o.learningRate = 8e-3
      return o
    }
    o.seqLength = 100
    o.steps = 6000
    return o
  }

  /// Gaussian components of the head of a new model.
  public var components: Int
  /// Clip offsets to ±this many data units before normalising (nil: no clipping).
  public var maxOffset: Float?
  /// Train a model that writes a given text: each line's transcription conditions it through
  /// Graves' attention window (section 5).
  public var conditionOnText: Bool

  /// The head's components, the clipping and whether the run writes a given text are the run's.
  public func settingsFixed(by codec: HandwritingCodec) -> [FixedSetting] {
    func clip(_ x: Float?) -> String { x.map { Setting.show(Double($0)) } ?? "none" }
    return [
      FixedSetting("components", requested: String(components), run: String(codec.components)),
      FixedSetting("maxOffset", requested: clip(maxOffset), run: clip(codec.maxOffset)),
      FixedSetting(
        "condition", requested: conditionOnText ? "text" : "none", run: codec.alphabet == nil ? "none" : "text"),
    ]
  }

  public init(
    components: Int = HandwritingDomain.defaultComponents, maxOffset: Float? = nil, conditionOnText: Bool = false
  ) {
    precondition((1...HandwritingCodec.maxComponents).contains(components))
    precondition(maxOffset.map { $0 > 0 && $0.isFinite } ?? true)
    self.components = components
    self.maxOffset = maxOffset
    self.conditionOnText = conditionOnText
  }

  public func conditionClasses(_ codec: HandwritingCodec) -> Int? { codec.alphabet?.count }

  public func condition(of sequence: SourceSequence<PenStep>, codec: HandwritingCodec) throws -> [Int] {
    guard let text = sequence.annotation, !text.isEmpty else {
      throw HandwritingError.noTranscription(path: sequence.source)
    }
    return try codec.classes(of: text, source: sequence.source)
  }

  public func read(_ urls: [URL]) throws -> [SourceSequence<PenStep>] {
    var sequences: [SourceSequence<PenStep>] = []
    var transcripts = IAMTranscripts()
    for url in urls {
      for file in try InkReader.files(at: url) {
        for piece in try InkReader.read(file, transcripts: &transcripts) {
          if conditionOnText, piece.text?.isEmpty ?? true {
            throw HandwritingError.noTranscription(path: piece.source, reason: piece.untranscribed)
          }
          sequences.append(SourceSequence(source: piece.source, steps: piece.ink.steps, annotation: piece.text))
        }
      }
    }
    guard !sequences.isEmpty else { throw HandwritingError.emptyCorpus(urls.map(\.path).joined(separator: ", ")) }
    return sequences
  }

  /// The standard deviations of dx and dy over every offset of the corpus (the first step of
  /// each sequence, a placeholder, excluded), after clipping.
  public func makeCodec(for corpus: [SourceSequence<PenStep>]) throws -> HandwritingCodec {
    var n = 0.0
    var sum = SIMD2<Double>.zero
    var sumSq = SIMD2<Double>.zero
    let probe = HandwritingCodec(scaleX: 1, scaleY: 1, maxOffset: maxOffset, components: components)
    for s in corpus {
      for step in s.steps.dropFirst() {
        let d = SIMD2(Double(probe.clip(step.dx)), Double(probe.clip(step.dy)))
        n += 1
        sum += d
        sumSq += d * d
      }
    }
    let paths = corpus.prefix(3).map(\.source).joined(separator: ", ") + (corpus.count > 3 ? ", …" : "")
    guard n >= 2 else { throw HandwritingError.emptyCorpus(paths) }
    let mean = sum / n
    let variance = sumSq / n - mean * mean
    let std = SIMD2(variance.x.squareRoot(), variance.y.squareRoot())
    guard std.x > 1e-12, std.y > 1e-12, std.x.isFinite, std.y.isFinite else {
      throw HandwritingError.constantOffsets(paths)
    }
    var codec = HandwritingCodec(
      scaleX: Float(std.x), scaleY: Float(std.y), maxOffset: maxOffset, components: components)
    if conditionOnText {
      var characters = Set<String>()
      var count = 0
      for s in corpus {
        guard let text = s.annotation, !text.isEmpty else { throw HandwritingError.noTranscription(path: s.source) }
        for c in text { characters.insert(String(c)) }
        count += text.count
      }
      codec.alphabet = characters.sorted()
      codec.pointsPerCharacter = n / Double(count)
    }
    return codec
  }

  public func inputKind(_ codec: HandwritingCodec) -> InputKind { .dense(width: 3) }

  public func input(_ step: PenStep, codec: HandwritingCodec) throws -> StepInput {
    let p = codec.normalised(step)
    return .dense([p.dx, p.dy, p.eos ? 1 : 0])
  }

  public func target(_ step: PenStep, codec: HandwritingCodec) throws -> MixtureDensityHead.Point {
    codec.normalised(step)
  }

  public func makeHead(_ codec: HandwritingCodec) -> MixtureDensityHead {
    MixtureDensityHead(components: codec.components)
  }

  public func step(from sample: MixtureDensityHead.Point, codec: HandwritingCodec) -> PenStep {
    codec.denormalised(sample)
  }

  /// The strokes of a prime file (any supported format, all of its pieces in order), or the
  /// start step: the state a sequence starts from in training.
  public func prime(_ request: PrimeRequest, codec: HandwritingCodec) throws -> [PenStep] {
    if let text = request.text, request.file == nil, !text.isEmpty {
      throw HandwritingError.unreadable(path: text, reason: "handwriting is primed from a file of strokes, not text")
    }
    guard let file = request.file else { return [.start] }
    let pieces = try InkReader.read(file)
    return Ink(strokes: pieces.flatMap(\.ink.strokes)).steps
  }

  /// SVG (default) or, for a `.inkml` name, InkML; the samples start at the origin.
  public func write(_ samples: [[PenStep]], codec: HandwritingCodec, to url: URL) throws {
    try write(samples, prime: [], codec: codec, to: url, options: SVGWriter.Options())
  }

  /// Writes samples that continue `prime`: each sample's first point is placed relative to the
  /// prime's last point, so a continuation joins its prime.
  public func write(
    _ samples: [[PenStep]], prime: [PenStep], codec: HandwritingCodec, to url: URL, options: SVGWriter.Options
  ) throws {
    let primeInk = prime.count > 1 ? Ink(steps: prime) : Ink(strokes: [])
    let origin = primeInk.end ?? .zero
    let inks = samples.map { Ink(steps: $0, origin: origin) }
    let text: String
    switch url.pathExtension.lowercased() {
    case "inkml":
      text = InkMLWriter.inkML(
        inks.map { options.showPrime ? Ink(strokes: primeInk.strokes + $0.strokes) : $0 }, metadata: options.metadata)
    default:
      text = SVGWriter(options: options).svg(inks.map { SVGWriter.Row(prime: primeInk, sample: $0) })
    }
    try AtomicFile.write(Data(text.utf8), to: url)
  }
}
