import Foundation
import SeqGenEngine

/// What generation needs again, saved in the manifest: the normalisation of the offsets and the
/// size of the mixture.
///
/// Offsets enter the LSTM and the head divided by their standard deviation over the training
/// corpus (`scaleX`, `scaleY`), so one set of hyper-parameters suits tablets and screens alike;
/// generation multiplies them back. With `maxOffset`, offsets are first clipped to ±maxOffset
/// data units (outliers such as a jump across the page).
public struct HandwritingCodec: Codable, Sendable, Equatable {
  public var scaleX: Float
  public var scaleY: Float
  public var maxOffset: Float?
  /// Gaussian components of the mixture-density head.
  public var components: Int
  /// For a model that writes a given text (text conditioning): the characters of the training
  /// transcriptions, each one class of the condition, sorted; nil for an unconditional model.
  public var alphabet: [String]?
  /// Points per transcribed character over the training corpus: how long generation lets a
  /// text run before it stops a sample that never finishes.
  public var pointsPerCharacter: Double?

  public init(
    scaleX: Float, scaleY: Float, maxOffset: Float?, components: Int, alphabet: [String]? = nil,
    pointsPerCharacter: Double? = nil
  ) {
    self.scaleX = scaleX
    self.scaleY = scaleY
    self.maxOffset = maxOffset
    self.components = components
    self.alphabet = alphabet
    self.pointsPerCharacter = pointsPerCharacter
  }

  /// Largest alphabet a manifest may hold.
  public static let maxAlphabet = 10_000

  /// Largest mixture a manifest may ask for (6M + 1 outputs per row).
  public static let maxComponents = 1000

  enum CodingKeys: String, CodingKey { case scaleX, scaleY, maxOffset, components, alphabet, pointsPerCharacter }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    scaleX = try c.decode(Float.self, forKey: .scaleX)
    scaleY = try c.decode(Float.self, forKey: .scaleY)
    maxOffset = try c.decodeIfPresent(Float.self, forKey: .maxOffset)
    components = try c.decode(Int.self, forKey: .components)
    alphabet = try c.decodeIfPresent([String].self, forKey: .alphabet)
    pointsPerCharacter = try c.decodeIfPresent(Double.self, forKey: .pointsPerCharacter)
    if let alphabet,
      alphabet.isEmpty || alphabet.count > Self.maxAlphabet || Set(alphabet).count != alphabet.count
        || alphabet.contains(where: { $0.count != 1 })
    {
      throw DecodingError.dataCorruptedError(
        forKey: .alphabet, in: c,
        debugDescription: "alphabet must hold 1...\(Self.maxAlphabet) distinct single characters")
    }
    if let pointsPerCharacter, !(pointsPerCharacter > 0 && pointsPerCharacter < 1e6) {
      throw DecodingError.dataCorruptedError(
        forKey: .pointsPerCharacter, in: c, debugDescription: "pointsPerCharacter must be positive")
    }
    guard scaleX.isFinite, scaleX > 0, scaleY.isFinite, scaleY > 0 else {
      throw DecodingError.dataCorruptedError(
        forKey: .scaleX, in: c, debugDescription: "offset scales must be positive and finite")
    }
    guard (1...Self.maxComponents).contains(components) else {
      throw DecodingError.dataCorruptedError(
        forKey: .components, in: c, debugDescription: "components must be in 1...\(Self.maxComponents)")
    }
    if let maxOffset, !(maxOffset > 0 && maxOffset.isFinite) {
      throw DecodingError.dataCorruptedError(forKey: .maxOffset, in: c, debugDescription: "maxOffset must be positive")
    }
  }

  /// An offset clipped to ±maxOffset.
  @inline(__always) func clip(_ v: Float) -> Float {
    guard let maxOffset else { return v }
    return min(max(v, -maxOffset), maxOffset)
  }

  /// The head's view of a step: clipped, normalised offset and the eos bit.
  public func normalised(_ step: PenStep) -> MixtureDensityHead.Point {
    MixtureDensityHead.Point(dx: clip(step.dx) / scaleX, dy: clip(step.dy) / scaleY, eos: step.eos)
  }

  /// A step in data units from the head's normalised point.
  public func denormalised(_ point: MixtureDensityHead.Point) -> PenStep {
    PenStep(dx: point.dx * scaleX, dy: point.dy * scaleY, eos: point.eos)
  }

  /// Nats per point to add to a loss measured on normalised offsets to express it in data
  /// units: a density of (dx/sx, dy/sy) is sx·sy times the density of (dx, dy).
  public var natsPerPointToDataUnits: Double { log(Double(scaleX)) + log(Double(scaleY)) }
}

extension HandwritingCodec {
  /// The condition classes of `text`: one per character, in order. A character outside the
  /// alphabet is an error naming it, or left out with `skipUnknown`.
  public func classes(of text: String, source: String, skipUnknown: Bool = false) throws -> [Int] {
    guard let alphabet else { return [] }
    let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    var classes: [Int] = []
    for character in text {
      if let k = index[String(character)] {
        classes.append(k)
      } else if !skipUnknown {
        throw HandwritingError.unknownCharacter(path: source, character: String(character))
      }
    }
    return classes
  }
}
