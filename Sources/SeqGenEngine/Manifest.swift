import Foundation

/// The description of a run: what was trained on what, with which settings, and how far it got.
///
/// A copy is embedded in every checkpoint file, so weights and their description are always
/// replaced together by one atomic rename; `manifest.json` is the same text for people and tools.
public struct Manifest: Codable, Sendable, Equatable {
  /// The manifest layout this build writes; a newer one is refused rather than misread.
  public static let currentFormatVersion = 1
  public static let seqgenVersion = "0.1.0"

  public var formatVersion: Int
  public var seqgenVersion: String
  /// `SequenceDomain.name` of the domain that trained it.
  public var domain: String
  /// The domain's codec (vocabulary, normalisation, …).
  public var codec: JSONValue
  public var model: ModelConfig
  public var training: TrainingOptions
  public var data: DataSummary
  public var progress: Progress

  /// What the model was trained on; a resumed run must see the same data.
  public struct DataSummary: Codable, Sendable, Equatable {
    public var paths: [String]
    public var trainSteps: Int
    public var validationSteps: Int
    /// FNV-1a hash of the encoded training pairs, to detect changed data on resume.
    public var fingerprint: String
  }

  /// Where training stands.
  public struct Progress: Codable, Sendable, Equatable {
    public var step: Int
    public var totalSteps: Int
    public var adamSteps: Int
    /// The batcher's chunk cursor.
    public var cursor: Int
    /// Epochs done, with the fraction of the current one.
    public var epoch: Double
    /// The epoch the cursor is in, and the cursor at its first chunk: augmented epochs differ in
    /// length, so neither follows from `cursor`. Absent from older checkpoints, whose epochs all
    /// had the same length.
    public var epochIndex: Int?
    public var epochStart: Int?
    /// The dropout generator's state, as hex words (JSON numbers would lose bits).
    public var rng: [String]
    public var trainLoss: Double?
    public var validationLoss: Double?
    public var bestValidationLoss: Double?
    public var bestStep: Int?
    public var elapsedSeconds: Double
    /// How many processes trained the latest steps (data-parallel training); absent for one.
    public var processes: Int?
  }

  public func encoded() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try! encoder.encode(self)
  }

  /// Decodes a manifest, refusing newer formats with a message that says so.
  public static func decode(_ data: Data, path: String) throws(EngineError) -> Manifest {
    struct Version: Decodable { var formatVersion: Int }
    guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
      throw .badCheckpoint(path: path, reason: "not a SeqGen manifest (no formatVersion)")
    }
    guard version.formatVersion <= currentFormatVersion else {
      throw .badCheckpoint(
        path: path,
        reason:
          "manifest format version \(version.formatVersion) is newer than this seqgen supports (\(currentFormatVersion)); upgrade seqgen"
      )
    }
    let manifest: Manifest
    do {
      manifest = try JSONDecoder().decode(Manifest.self, from: data)
    } catch {
      throw .badCheckpoint(path: path, reason: "malformed manifest: \(describe(error))")
    }
    if let problem = manifest.model.problem { throw .badCheckpoint(path: path, reason: "model: \(problem)") }
    return manifest
  }

  /// Decodes the codec for a concrete domain.
  public func codec<C: Decodable>(as: C.Type, path: String) throws(EngineError) -> C {
    do {
      let data = try JSONEncoder().encode(codec)
      return try JSONDecoder().decode(C.self, from: data)
    } catch {
      throw .badCheckpoint(path: path, reason: "malformed codec for domain \(domain): \(describe(error))")
    }
  }

  static func encodeCodec<C: Encodable>(_ codec: C) -> JSONValue {
    let data = try! JSONEncoder().encode(codec)
    return try! JSONDecoder().decode(JSONValue.self, from: data)
  }
}

/// A short, single-line description of a decoding error.
func describe(_ error: Error) -> String {
  switch error {
  case DecodingError.keyNotFound(let key, let ctx):
    return "missing key \((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
  case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
    DecodingError.dataCorrupted(let ctx):
    let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
    return path.isEmpty ? ctx.debugDescription : "bad value at \(path)"
  default:
    return "\(error)"
  }
}

extension Manifest {
  /// The step whose weights `which` holds: the best checkpoint's own step, which is earlier than
  /// the run's when validation stopped improving (a run never validated has only the latest).
  public func step(of which: RunDirectory.Which) -> Int {
    which == .best ? progress.bestStep ?? progress.step : progress.step
  }
}
