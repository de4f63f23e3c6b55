import Foundation
import SeqGenEngine

/// What handwriting generation takes beyond the shared request (Graves' bias travels in
/// `SamplingControls.bias`): how long each sample is and how it is drawn.
public struct HandwritingGenerationOptions: Codable, Sendable, Equatable {
  /// Points per sample when neither `steps` nor `strokes` is given.
  public var length = 500
  /// Points per sample (the same as `length`, in the domain's words).
  public var steps: Int?
  /// Stop each sample after this many strokes (pen lifts).
  public var strokes: Int?
  /// Draw the prime's strokes first, in a lighter colour.
  public var showPrime = false
  /// SVG line width in data units (nil: 1/40 of the row height).
  public var strokeWidth: Double?
  /// Pen-plotter SVG: one bare path per stroke.
  public var singleLine = false

  public static let maxSteps = 10_000_000
  public static let maxStrokes = 1_000_000

  public init(
    length: Int = 500, steps: Int? = nil, strokes: Int? = nil, showPrime: Bool = false, strokeWidth: Double? = nil,
    singleLine: Bool = false
  ) {
    self.length = length
    self.steps = steps
    self.strokes = strokes
    self.showPrime = showPrime
    self.strokeWidth = strokeWidth
    self.singleLine = singleLine
  }

  /// Decodes JSON in which every field may be left out.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      length: try c.decodeIfPresent(Int.self, forKey: .length) ?? 500,
      steps: try c.decodeIfPresent(Int.self, forKey: .steps),
      strokes: try c.decodeIfPresent(Int.self, forKey: .strokes),
      showPrime: try c.decodeIfPresent(Bool.self, forKey: .showPrime) ?? false,
      strokeWidth: try c.decodeIfPresent(Double.self, forKey: .strokeWidth),
      singleLine: try c.decodeIfPresent(Bool.self, forKey: .singleLine) ?? false)
  }

  /// The points generated per sample at most: `steps`, else room for `strokes`, else `length`.
  public var pointLimit: Int { steps ?? strokes.map { min($0 * 1000, Self.maxSteps) } ?? length }

  public func validate() throws(EngineError) {
    guard (1...PlainGenerationOptions.maxLength).contains(length) else {
      throw .invalidOption(name: "length", reason: "must be in 1...\(PlainGenerationOptions.maxLength), got \(length)")
    }
    if let steps, !(1...Self.maxSteps).contains(steps) {
      throw .invalidOption(name: "steps", reason: "must be in 1...\(Self.maxSteps), got \(steps)")
    }
    if let strokes, !(1...Self.maxStrokes).contains(strokes) {
      throw .invalidOption(name: "strokes", reason: "must be in 1...\(Self.maxStrokes), got \(strokes)")
    }
    if let strokeWidth, !(strokeWidth > 0 && strokeWidth.isFinite) {
      throw .invalidOption(name: "strokeWidth", reason: "must be a positive number, got \(strokeWidth)")
    }
  }
}
