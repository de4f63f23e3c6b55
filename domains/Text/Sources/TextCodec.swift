import Foundation
import SeqGenEngine

/// The vocabulary, how text is cut into pieces, the reset policy and how directories were
/// read, saved in the checkpoint. A char model's vocabulary is sorted by code point; a word
/// model's by frequency, ending in the `<unk>` pair.
public struct TextCodec: Codable, Sendable, Equatable {
  public let tokens: TextDomain.Tokenization
  public let vocabulary: [String]
  public let resetAt: TextDomain.ResetPolicy
  /// The extensions a directory was read by: empty for every UTF-8 text file; nil in runs saved
  /// before that choice existed (they read `legacyExtensions`).
  public let extensions: [String]?
  /// A word model's cost of spelling a character, −log2 of its frequency in the training text:
  /// what an unknown word is charged beside `<unk>`, so bits per character stay honest on text
  /// with words the vocabulary lacks. Empty for char models and runs saved before it existed.
  public let spelling: [String: Double]
  private let lookup: [String: Int]

  /// Bits to spell a character never seen in training: one of all Unicode scalars, uniformly.
  static let unseenCharacterBits = log2(Double(0x110000))

  /// The classes a word model reads an unknown piece as: `<unk>`, or ` <unk>` when a space came
  /// before it. The tokenizer never makes either (it cuts "<" and ">" off as marks), so they
  /// cannot be confused with text.
  public static let unknownPieces = ["<unk>", " <unk>"]

  public init(
    tokens: TextDomain.Tokenization = .char, vocabulary: [String], resetAt: TextDomain.ResetPolicy,
    extensions: [String]? = [], spelling: [String: Double] = [:]
  ) {
    self.tokens = tokens
    self.vocabulary = vocabulary
    self.resetAt = resetAt
    self.extensions = extensions
    self.spelling = spelling
    lookup = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// `TextDomain.extensions` as this run reads directories.
  var readExtensions: Set<String>? {
    guard let extensions else { return TextDomain.legacyExtensions }
    return extensions.isEmpty ? nil : Set(extensions)
  }

  func contains(_ piece: String) -> Bool { lookup[piece] != nil }

  /// The class of `piece`: its own, `<unk>` for a word model, or an error for a char model.
  func index(of piece: String) throws(TextError) -> Int {
    if let k = lookup[piece] { return k }
    guard tokens == .word, let unknown = lookup[piece.first == " " ? " <unk>" : "<unk>"] else {
      throw .notInVocabulary(piece)
    }
    return unknown
  }

  /// The `<unk>` classes (none for a char model).
  var unknownClasses: [Int] { tokens == .word ? Self.unknownPieces.compactMap { lookup[$0] } : [] }

  /// The share of the predicted pieces of `sequences` that the vocabulary reads as `<unk>`.
  func unknownShare(_ sequences: [SourceSequence<String>]) -> Double {
    var all = 0
    var unknown = 0
    for s in sequences where s.steps.count >= 2 {
      for piece in s.steps.dropFirst() {
        all += 1
        if lookup[piece] == nil { unknown += 1 }
      }
    }
    return all == 0 ? 0 : Double(unknown) / Double(all)
  }

  /// The bits to spell out the unknown pieces among those `sequences` predict (0 without a
  /// spelling table).
  func unknownSpellingBits(_ sequences: [SourceSequence<String>]) -> Double {
    guard !spelling.isEmpty else { return 0 }
    var bits = 0.0
    for s in sequences where s.steps.count >= 2 {
      for piece in s.steps.dropFirst() where lookup[piece] == nil {
        for scalar in piece.unicodeScalars {
          bits += spelling[String(Character(scalar))] ?? Self.unseenCharacterBits
        }
      }
    }
    return bits
  }

  enum CodingKeys: String, CodingKey { case tokens, vocabulary, resetAt, extensions, spelling }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let tokens = try c.decodeIfPresent(TextDomain.Tokenization.self, forKey: .tokens) ?? .char
    let vocabulary = try c.decode([String].self, forKey: .vocabulary)
    func corrupt(_ why: String) -> DecodingError {
      .dataCorruptedError(forKey: .vocabulary, in: c, debugDescription: why)
    }
    guard !vocabulary.isEmpty else { throw corrupt("empty vocabulary") }
    guard Set(vocabulary).count == vocabulary.count else { throw corrupt("vocabulary entries must be distinct") }
    switch tokens {
    case .char:
      guard vocabulary.allSatisfy({ $0.unicodeScalars.count == 1 }) else {
        throw corrupt("a char vocabulary holds single characters")
      }
    case .word:
      guard vocabulary.allSatisfy({ !$0.isEmpty }), Set(Self.unknownPieces).isSubset(of: vocabulary) else {
        throw corrupt("a word vocabulary holds non-empty pieces and <unk>")
      }
    }
    let spelling = try c.decodeIfPresent([String: Double].self, forKey: .spelling) ?? [:]
    guard spelling.values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw DecodingError.dataCorruptedError(
        forKey: .spelling, in: c, debugDescription: "spelling costs must be finite and not negative")
    }
    self.init(
      tokens: tokens, vocabulary: vocabulary, resetAt: try c.decode(TextDomain.ResetPolicy.self, forKey: .resetAt),
      extensions: try c.decodeIfPresent([String].self, forKey: .extensions), spelling: spelling)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    if tokens != .char { try c.encode(tokens, forKey: .tokens) }
    try c.encode(vocabulary, forKey: .vocabulary)
    try c.encode(resetAt, forKey: .resetAt)
    try c.encodeIfPresent(extensions, forKey: .extensions)
    if !spelling.isEmpty { try c.encode(spelling, forKey: .spelling) }
  }

  public static func == (a: TextCodec, b: TextCodec) -> Bool {
    a.tokens == b.tokens && a.vocabulary == b.vocabulary && a.resetAt == b.resetAt && a.extensions == b.extensions
      && a.spelling == b.spelling
  }
}
