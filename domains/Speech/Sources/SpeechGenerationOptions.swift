import Foundation
import SeqGenEngine

/// What speech generation takes beyond the shared request (Graves' bias, which sharpens every
/// field of a frame, travels in `SamplingControls.bias`): the text to say, or how long to babble.
public struct SpeechGenerationOptions: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults {
  /// For a run trained on transcripts: the sentence to say, one clip per `count`.
  public var text: String?
  /// Like `text`, one clip per line of the file.
  public var textFile: String?
  /// Leave out characters the model has no class for, instead of failing.
  public var skipUnknown = false
  /// Seconds per clip of a model without transcripts (nil: `defaultSeconds`); for a model that
  /// says a text, the clip ends when the text is said.
  public var seconds: Double?
  /// Leave the prime recording out of the written clips.
  public var stripPrime = false

  public static let defaultSeconds = 3.0
  public static let maxSeconds = 600.0
  public static let maxTextLength = 1000

  public init(
    text: String? = nil, textFile: String? = nil, skipUnknown: Bool = false, seconds: Double? = nil,
    stripPrime: Bool = false
  ) {
    self.text = text
    self.textFile = textFile
    self.skipUnknown = skipUnknown
    self.seconds = seconds
    self.stripPrime = stripPrime
  }

  public init() { self.init(text: nil) }

  public static let settings =
    GivenTexts.settings(
      text: "For a run trained on transcripts: the sentence to say.",
      textFile: "Like text, one clip per line of this UTF-8 file.") + [
      Setting(
        "seconds", label: "Seconds",
        help:
          "Seconds per clip of a run without transcripts (default \(Int(defaultSeconds))); a said text ends itself.",
        kind: .number, minimum: 0, maximum: maxSeconds, exclusiveMinimum: true),
      PlainGenerationOptions.setting("stripPrime"),
    ]

  public func validate() throws(EngineError) {
    try checkRanges()
    if text != nil && textFile != nil { throw .invalidArgument("give `text` or `textFile`, not both") }
    if let text, SpeechCodec.normalized(text).isEmpty {
      throw .invalidOption(name: "text", reason: "is empty; give the sentence to say")
    }
    if let text, text.count > Self.maxTextLength {
      throw .invalidOption(name: "text", reason: "has \(text.count) characters, more than \(Self.maxTextLength)")
    }
    if seconds != nil && (text != nil || textFile != nil) {
      throw .invalidArgument("`seconds` is for babble; a said text ends when it is said")
    }
  }

  /// The sentences to say, or nil to babble.
  public func texts() throws -> [String]? {
    try GivenTexts.read(text: text, textFile: textFile, maxLength: Self.maxTextLength)
  }
}
