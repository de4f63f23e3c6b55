import Foundation
import SeqGenEngine

/// What handwriting generation takes beyond the shared request (Graves' bias travels in
/// `SamplingControls.bias`): how long each sample is and how it is drawn.
public struct HandwritingGenerationOptions: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults {
  /// Points per sample when neither `steps` nor `strokes` is given.
  public var length = 500
  /// Points per sample (the same as `length`, in the domain's words).
  public var steps: Int?
  /// Stop each sample after this many strokes (pen lifts).
  public var strokes: Int?
  /// Leave the prime's strokes out of the drawing (drawn first, in a lighter colour, by default).
  public var stripPrime = false
  /// SVG line width in data units (nil: 1/40 of the row height).
  public var strokeWidth: Double?
  /// Pen-plotter SVG: one bare path per stroke.
  public var singleLine = false
  /// For a run trained with text conditioning: the text to write, one row per `count`.
  public var text: String?
  /// Like `text`, one line of the file per text (rows: lines × `count`).
  public var textFile: String?
  /// Leave out characters of `text` the model has no class for, instead of failing.
  public var skipUnknown = false
  /// A transcribed line of strokes whose hand the text continues in (Graves' priming): the
  /// `prime` of a text-conditioned run, by the name this field gives it.
  public var style: String?

  public static let maxSteps = 10_000_000
  /// Longest text written per row.
  public static let maxTextLength = 1000
  public static let maxStrokes = 1_000_000

  public init(
    length: Int = 500, steps: Int? = nil, strokes: Int? = nil, stripPrime: Bool = false, strokeWidth: Double? = nil,
    singleLine: Bool = false, text: String? = nil, textFile: String? = nil, skipUnknown: Bool = false,
    style: String? = nil
  ) {
    self.style = style
    self.text = text
    self.textFile = textFile
    self.skipUnknown = skipUnknown
    self.length = length
    self.steps = steps
    self.strokes = strokes
    self.stripPrime = stripPrime
    self.strokeWidth = strokeWidth
    self.singleLine = singleLine
  }

  public init() { self.init(length: 500) }

  public static let settings =
    GivenTexts.settings(
      text: "For a run trained with text conditioning: the text to write.",
      textFile: "Like text, one row per line of this UTF-8 file.") + [
      Setting(
        "style", label: "Style",
        help: "A transcribed line of strokes whose hand the text is written in (Graves' priming).", kind: .file,
        advanced: true),
      Setting(
        "length", label: "Points", help: "Points per sample when neither steps nor strokes is given.", kind: .integer,
        default: .number(500), minimum: 1, maximum: Double(PlainGenerationOptions.maxLength)),
      Setting(
        "steps", label: "Steps", help: "Points per sample (the same as length).", kind: .integer, minimum: 1,
        maximum: Double(maxSteps), advanced: true),
      Setting(
        "strokes", label: "Strokes", help: "Stop each sample after this many strokes (pen lifts).", kind: .integer,
        minimum: 1, maximum: Double(maxStrokes)),
      PlainGenerationOptions.setting("stripPrime"),
      Setting(
        "strokeWidth", label: "Stroke width", help: "SVG line width in data units (default: 1/40 of the row height).",
        kind: .number, minimum: 0, exclusiveMinimum: true, advanced: true),
      Setting(
        "singleLine", label: "Single line", help: "Pen-plotter SVG: one bare path per stroke.", kind: .bool,
        default: .bool(false), advanced: true),
    ]

  /// The points generated per sample at most: `steps`, else room for `strokes`, else `length`.
  public var pointLimit: Int { steps ?? strokes.map { min($0 * 1000, Self.maxSteps) } ?? length }

  public func validate() throws(EngineError) {
    try checkRanges()
    if text != nil && textFile != nil { throw .invalidArgument("give `text` or `textFile`, not both") }
    if style != nil && text == nil && textFile == nil {
      throw .invalidArgument("`style` is the hand a given text is written in; give `text` or `textFile` too")
    }
    if let text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      throw .invalidOption(name: "text", reason: "is empty; give the text to write")
    }
    if let text, text.count > Self.maxTextLength {
      throw .invalidOption(name: "text", reason: "has \(text.count) characters, more than \(Self.maxTextLength)")
    }
  }
}

extension HandwritingGenerationOptions {
  /// The texts to write: `text`, or the non-empty lines of `textFile` (which must be UTF-8 and
  /// hold at least one); nil when neither is given.
  public func texts() throws -> [String]? {
    try GivenTexts.read(text: text, textFile: textFile, maxLength: Self.maxTextLength)
  }
}
