import SeqGenEngine

/// What text generation takes beyond the shared request: how long a sample is (characters, or
/// tokens of a word model), and what to do with unknown pieces.
public struct TextGenerationOptions: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults,
  StepGenerating
{
  /// Characters per sample: a sample ends at the first piece that reaches it.
  public var length: Int
  /// Count this many tokens (model steps) per sample instead of `length` characters.
  public var tokens: Int?
  public var skipUnknown: Bool
  /// Never draw `<unk>` (word models).
  public var banUnknown: Bool
  public var provenance: Bool
  public var stripPrime: Bool

  public init(
    length: Int = 500, tokens: Int? = nil, skipUnknown: Bool = false, banUnknown: Bool = false,
    provenance: Bool = false, stripPrime: Bool = false
  ) {
    self.length = length
    self.tokens = tokens
    self.skipUnknown = skipUnknown
    self.banUnknown = banUnknown
    self.provenance = provenance
    self.stripPrime = stripPrime
  }

  public init() { self.init(length: 500) }

  public var limit: Int { tokens ?? length }

  public static let settings = [
    Setting(
      "length", label: "Length",
      help:
        "Characters per sample, whatever the model's tokens (a word model stops at the first word that reaches it).",
      kind: .integer, default: .number(500), minimum: 1, maximum: Double(PlainGenerationOptions.maxLength)),
    Setting(
      "tokens", label: "Tokens",
      help: "Generate this many tokens (model steps) per sample instead of `length` characters.", kind: .integer,
      minimum: 1, maximum: Double(PlainGenerationOptions.maxLength), advanced: true),
    Setting(
      "skipUnknown", label: "Skip unknown",
      help: "Char models: leave out prime characters the model has never seen, instead of failing.", kind: .bool,
      default: .bool(false), advanced: true),
    Setting(
      "banUnknown", label: "Ban <unk>",
      help: "Word models: never write <unk>, the class rare words were read as; the next most likely word is drawn.",
      kind: .bool, default: .bool(false), advanced: true),
    PlainGenerationOptions.setting("provenance"),
    PlainGenerationOptions.setting("stripPrime"),
  ]

  public func validate() throws(EngineError) { try checkRanges() }
}
