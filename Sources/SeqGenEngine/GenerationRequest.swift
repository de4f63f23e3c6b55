import Foundation
import Synchronization

/// What every front end asks of generation, whatever the domain: the shared part of a
/// `seqgen generate` command line and of a playground request's JSON. What only one domain
/// has (handwriting's stroke count, notes' seconds) is that domain's `GenerationOptions`.
public struct GenerationRequest: Codable, Sendable, Equatable {
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
  /// Set by a front end that may stop the generation early (a client gone, a time limit); not
  /// part of the request's JSON.
  public var cancellation: GenerationCancellation?

  public static let maxCount = 4096

  public init(
    checkpoint: RunDirectory.Which = .best, controls: SamplingControls = SamplingControls(), seed: UInt64 = 1,
    count: Int = 1,
    prime: String? = nil, primeFile: String? = nil, out: String? = nil
  ) {
    self.checkpoint = checkpoint
    self.controls = controls
    self.seed = seed
    self.count = count
    self.prime = prime
    self.primeFile = primeFile
    self.out = out
  }

  enum CodingKeys: String, CodingKey {
    case checkpoint, controls, seed, count, prime, primeFile, out
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.checkpoint == b.checkpoint && a.controls == b.controls && a.seed == b.seed && a.count == b.count
      && a.prime == b.prime && a.primeFile == b.primeFile && a.out == b.out && a.cancellation === b.cancellation
  }

  /// Decodes JSON in which every field may be left out (it then takes its default).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = GenerationRequest()
    checkpoint = try c.decodeIfPresent(RunDirectory.Which.self, forKey: .checkpoint) ?? d.checkpoint
    controls = try c.decodeIfPresent(SamplingControls.self, forKey: .controls) ?? d.controls
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    count = try c.decodeIfPresent(Int.self, forKey: .count) ?? d.count
    prime = try c.decodeIfPresent(String.self, forKey: .prime)
    primeFile = try c.decodeIfPresent(String.self, forKey: .primeFile)
    out = try c.decodeIfPresent(String.self, forKey: .out)
  }

  /// The prime as a path, for domains primed from a file of their own format.
  public var primePath: String? { prime ?? primeFile }

  /// Range checks of the shared settings (each domain checks its options itself).
  public func validate() throws(EngineError) {
    guard (1...Self.maxCount).contains(count) else {
      throw .invalidOption(name: "count", reason: "must be in 1...\(Self.maxCount), got \(count)")
    }
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
public struct PlainGenerationOptions: Codable, Sendable, Equatable {
  /// Steps to generate per sample.
  public var length: Int
  /// Skip prime steps the model cannot represent instead of failing.
  public var skipUnknown: Bool
  /// Beside `out`, write `out`.json: how the samples were made (asked for: a text file itself
  /// stays the samples alone).
  public var provenance: Bool

  public static let maxLength = 100_000_000

  public init(length: Int = 500, skipUnknown: Bool = false, provenance: Bool = false) {
    self.length = length
    self.skipUnknown = skipUnknown
    self.provenance = provenance
  }

  /// Decodes JSON in which every field may be left out.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    length = try c.decodeIfPresent(Int.self, forKey: .length) ?? 500
    skipUnknown = try c.decodeIfPresent(Bool.self, forKey: .skipUnknown) ?? false
    provenance = try c.decodeIfPresent(Bool.self, forKey: .provenance) ?? false
  }

  public func validate() throws(EngineError) {
    guard (1...Self.maxLength).contains(length) else {
      throw .invalidOption(name: "length", reason: "must be in 1...\(Self.maxLength), got \(length)")
    }
  }
}
