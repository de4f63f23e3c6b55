import Foundation
import Synchronization

/// What every front end asks of generation, whatever the domain: the shared part of a
/// `seqgen generate` command line and of a playground request's JSON. What only one domain
/// has (handwriting's stroke count, notes' seconds) is that domain's `GenerationOptions`.
public struct GenerationRequest: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults {
  /// The checkpoint sampled from.
  public var checkpoint: RunDirectory.Which
  /// Temperature, cut-offs and bias; the run's head refuses those it does not read.
  public var controls: SamplingControls
  /// Same seed, same samples.
  public var seed: UInt64
  /// Samples drawn together as one batch.
  public var count: Int
  /// Literal prime text; for domains primed from files, a path.
  public var prime: String?
  /// A file whose content primes the state.
  public var primeFile: String?
  /// Where the samples are written; nil streams them (domains that stream) or is refused.
  public var out: String?
  /// The label the samples are written in, for a run trained with labels (`LabelSource`).
  public var label: String?
  /// Set by a front end that may stop the generation early (a client gone, a time limit); not
  /// part of the request's JSON.
  public var cancellation: GenerationCancellation?

  public static let maxCount = 4096

  public init(
    checkpoint: RunDirectory.Which = .best, controls: SamplingControls = SamplingControls(), seed: UInt64 = 1,
    count: Int = 1,
    prime: String? = nil, primeFile: String? = nil, out: String? = nil, label: String? = nil
  ) {
    self.checkpoint = checkpoint
    self.controls = controls
    self.seed = seed
    self.count = count
    self.prime = prime
    self.primeFile = primeFile
    self.out = out
    self.label = label
  }

  enum CodingKeys: String, CodingKey {
    case checkpoint, controls, seed, count, prime, primeFile, out, label
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.checkpoint == b.checkpoint && a.controls == b.controls && a.seed == b.seed && a.count == b.count
      && a.prime == b.prime && a.primeFile == b.primeFile && a.out == b.out && a.label == b.label
      && a.cancellation === b.cancellation
  }

  public init() { self.init(checkpoint: .best) }

  /// The request's own settings (the controls have theirs: `SamplingControls.settings`).
  public static let settings = [
    Setting(
      "seed", label: "Seed", help: "Random seed for sampling: same seed, same output.", kind: .integer,
      default: .number(1)),
    Setting(
      "count", label: "Samples", help: "Number of samples, generated together as one batch.", kind: .integer,
      default: .number(1), minimum: 1, maximum: Double(maxCount)),
    Setting(
      "label", label: "Label",
      help:
        "For a run trained with labels (its files' folders, or a table): write in the style of this one; `seqgen inspect RUN` lists them. Left out, the model reads no label, which it never saw in training.",
      kind: .text),
    Setting(
      "checkpoint", label: "Checkpoint",
      help: "Which checkpoint to sample from: best (lowest validation loss) or latest (the last saved).",
      kind: .text, default: .string("best"),
      advanced: true),
  ]

  /// The prime as a path, for domains primed from a file of their own format.
  public var primePath: String? { prime ?? primeFile }

  /// Range checks of the shared settings (each domain checks its options itself).
  public func validate() throws(EngineError) {
    try checkRanges()
    guard prime == nil || primeFile == nil else { throw .invalidArgument("give `prime` or `primeFile`, not both") }
    try controls.validate()
  }
}

/// A front end's way to stop a generation between two steps: `cancel()` from any thread,
/// or a deadline; the generation then throws `EngineError.cancelled`.
public final class GenerationCancellation: Sendable {
  private let flag = Atomic<Bool>(false)
  /// When the generation stops by itself, if ever.
  public let deadline: ContinuousClock.Instant?

  public init(deadline: ContinuousClock.Instant? = nil) { self.deadline = deadline }

  public func cancel() { flag.store(true, ordering: .relaxed) }

  public var isCancelled: Bool {
    flag.load(ordering: .relaxed) || deadline.map { ContinuousClock.now >= $0 } ?? false
  }

  /// Throws `EngineError.cancelled` once cancelled or past the deadline.
  public func check() throws(EngineError) {
    guard isCancelled else { return }
    throw .cancelled(deadline.map { ContinuousClock.now >= $0 } ?? false ? "the time limit was reached" : "stopped")
  }
}

/// What generation reports while it runs, for a front end to show as it likes.
public enum GenerationEvent: Sendable {
  /// The prime as text, before the first step (domains that stream).
  case primed(text: String)
  /// One generated step of sample `sample`, as text (domains that stream).
  case step(sample: Int, text: String)
  /// One generated step of sample `sample` of a domain that draws with a pen: its move to the
  /// next point (in the drawing's units, y down) and whether it lifts after that point, for
  /// front ends that draw as it goes.
  case pen(sample: Int, dx: Double, dy: Double, lift: Bool)
  /// A line of results: figures, files written with their measures (the CLI prints it on stdout).
  case report(String)
  /// A side remark: a file written, a warning (the CLI prints it on stderr).
  case notice(String)
}

/// What one generation produced.
public struct GenerationOutput: Sendable {
  /// Each sample as text, for domains that stream (nil otherwise).
  public var texts: [String]?
  /// The files written, the main output first.
  public var files: [URL]
  /// Measures of the result by name (audio's `realTimeFactor`, notes' `notes` and `seconds`,
  /// handwriting's `points` and `penLifts`), for front ends that show them their own way.
  public var figures: [String: Double]

  public init(texts: [String]? = nil, files: [URL] = [], figures: [String: Double] = [:]) {
    self.texts = texts
    self.files = files
    self.figures = figures
  }
}

/// The domain options of domains that need none beyond a step count: text and any simple
/// plug-in.
public struct PlainGenerationOptions: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults {
  /// Steps to generate per sample.
  public var length: Int
  /// Skip prime steps the model cannot represent instead of failing.
  public var skipUnknown: Bool
  /// Beside `out`, write `out`.json: how the samples were made (asked for: a text file itself
  /// stays the samples alone).
  public var provenance: Bool
  /// Leave the prime out of the output (every domain's outputs begin with their prime).
  public var stripPrime: Bool

  public static let maxLength = 100_000_000

  public init(length: Int = 500, skipUnknown: Bool = false, provenance: Bool = false, stripPrime: Bool = false) {
    self.length = length
    self.skipUnknown = skipUnknown
    self.provenance = provenance
    self.stripPrime = stripPrime
  }

  public init() { self.init(length: 500) }

  public static let settings = [
    Setting(
      "length", label: "Length", help: "Steps to generate per sample.", kind: .integer, default: .number(500),
      minimum: 1, maximum: Double(maxLength)),
    Setting(
      "skipUnknown", label: "Skip unknown",
      help: "Leave out prime steps the model has no class for, instead of failing.", kind: .bool,
      default: .bool(false), advanced: true),
    Setting(
      "provenance", label: "Provenance",
      help: "With an output file, also write FILE.json: the run, checkpoint, seed and settings that made it.",
      kind: .bool, default: .bool(false), advanced: true),
    // The one prime rule, for every domain and front end.
    Setting(
      "stripPrime", label: "Strip prime",
      help:
        "Leave the prime out of the output: by default every output (printed, written or returned) begins with the prime the model read first.",
      kind: .bool, default: .bool(false), advanced: true),
  ]

  public func validate() throws(EngineError) { try checkRanges() }
}
