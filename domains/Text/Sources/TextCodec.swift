import Foundation
import SentencePiece
import SeqGenEngine

/// The vocabulary, how text is cut into pieces, the reset policy and how directories were
/// read, saved in the checkpoint. A char model's vocabulary is sorted by code point; a word
/// model's by frequency, ending in the `<unk>` pair; a subword model's is its SentencePiece
/// model's pieces by id, the model itself saved as `tokenizer` (base64).
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
  /// A subword model's tokenizer.
  public let subword: SentencePieceModel?
  private let lookup: [String: Int]
  /// A subword piece's text by class (`▁` as a space), nil for a byte piece.
  private let surfaces: [String?]

  /// Bits to spell a character never seen in training: one of all Unicode scalars, uniformly.
  static let unseenCharacterBits = log2(Double(0x110000))

  /// The classes a word model reads an unknown piece as: `<unk>`, or ` <unk>` when a space came
  /// before it. The tokenizer never makes either (it cuts "<" and ">" off as marks), so they
  /// cannot be confused with text.
  public static let unknownPieces = ["<unk>", " <unk>"]

  public init(
    tokens: TextDomain.Tokenization = .char, vocabulary: [String], resetAt: TextDomain.ResetPolicy,
    extensions: [String]? = [], spelling: [String: Double] = [:], subword: SentencePieceModel? = nil
  ) {
    self.tokens = tokens
    self.vocabulary = vocabulary
    self.resetAt = resetAt
    self.extensions = extensions
    self.spelling = spelling
    self.subword = subword
    lookup = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    surfaces =
      subword.map { model in
        zip(model.pieces, model.kinds).map { piece, kind in
          switch kind {
          case .byte: nil
          case .unknown: " \u{2047} "  // what SentencePiece decodes <unk> as
          case .control: ""
          case .normal: piece.replacingOccurrences(of: "\u{2581}", with: " ")
          }
        }
      } ?? []
  }

  /// `TextDomain.extensions` as this run reads directories.
  var readExtensions: Set<String>? {
    guard let extensions else { return TextDomain.legacyExtensions }
    return extensions.isEmpty ? nil : Set(extensions)
  }

  func contains(_ piece: String) -> Bool { lookup[piece] != nil }

  /// The piece a line end is: "\n", or a subword model's byte piece `<0x0A>`.
  var lineEnd: String? {
    guard let subword else { return contains("\n") ? "\n" : nil }
    return subword.kinds.firstIndex(of: .byte(0x0A)).map { vocabulary[$0] }
  }

  /// The byte a subword byte piece stands for.
  private func byte(_ piece: String) -> UInt8? {
    guard subword != nil, let k = lookup[piece], case .byte(let b) = subword!.kinds[k] else { return nil }
    return b
  }

  /// The text of `pieces`: joined, with a subword model's `▁` read as a space and its byte
  /// pieces gathered into UTF-8 (bytes that make no character read as U+FFFD). When the pieces
  /// end inside a character: nil if `streaming` (a stream waits for its last bytes), else the
  /// text without that unfinished character (a sample cut off by its length).
  func text<C: Collection<String>>(of pieces: C, streaming: Bool = false) -> String? {
    guard subword != nil else { return pieces.joined() }
    var text = ""
    var bytes: [UInt8] = []
    for piece in pieces {
      if let b = byte(piece) {
        bytes.append(b)
        continue
      }
      if !bytes.isEmpty { text += String(decoding: bytes, as: UTF8.self) }
      bytes.removeAll(keepingCapacity: true)
      text += lookup[piece].flatMap { surfaces[$0] } ?? piece
    }
    if let lead = bytes.lastIndex(where: { $0 & 0xC0 != 0x80 }), bytes[lead] >= 0xC0 {
      let length = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : 2
      if bytes.count - lead < length {
        if streaming { return nil }
        bytes.removeSubrange(lead...)
      }
    }
    return text + String(decoding: bytes, as: UTF8.self)
  }

  /// The characters `piece` adds to the text: a byte piece counts one when it starts a character.
  func characters(in piece: String) -> Int {
    guard subword != nil else { return piece.unicodeScalars.count }
    if let b = byte(piece) { return b & 0xC0 == 0x80 ? 0 : 1 }
    return (lookup[piece].flatMap { surfaces[$0] } ?? piece).unicodeScalars.count
  }

  /// `text` cut by the subword model into its pieces.
  func subwordPieces(of text: String) throws(TextError) -> [String] {
    guard let subword else { return [] }
    do { return try subword.encode(text).map { vocabulary[$0] } } catch { throw .tokenizer(error.description) }
  }

  /// The class of `piece`: its own, `<unk>` for a word model, or an error for a char model.
  func index(of piece: String) throws(TextError) -> Int {
    if let k = lookup[piece] { return k }
    guard tokens == .word, let unknown = lookup[piece.first == " " ? " <unk>" : "<unk>"] else {
      throw .notInVocabulary(piece)
    }
    return unknown
  }

  /// The `<unk>` classes (none for a char model).
  var unknownClasses: [Int] {
    if let subword { return subword.kinds.indices.filter { subword.kinds[$0] == .unknown } }
    return tokens == .word ? Self.unknownPieces.compactMap { lookup[$0] } : []
  }

  /// Classes generation never draws: a subword model's control symbols, and its `<unk>` when
  /// byte fallback means it never read one.
  var neverDrawn: [Int] {
    guard let subword else { return [] }
    let bytes = subword.kinds.contains { if case .byte = $0 { true } else { false } }
    return subword.kinds.indices.filter { subword.kinds[$0] == .control || (bytes && subword.kinds[$0] == .unknown) }
  }

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

  enum CodingKeys: String, CodingKey { case tokens, vocabulary, resetAt, extensions, spelling, tokenizer }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let tokens = try c.decodeIfPresent(TextDomain.Tokenization.self, forKey: .tokens) ?? .char
    let vocabulary = try c.decode([String].self, forKey: .vocabulary)
    var subword: SentencePieceModel?
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
    case .bpe, .unigram:
      let model: SentencePieceModel
      do { model = try SentencePieceModel(serialized: try c.decode(Data.self, forKey: .tokenizer)) } catch {
        throw DecodingError.dataCorruptedError(forKey: .tokenizer, in: c, debugDescription: "\(error)")
      }
      guard model.pieces == vocabulary else { throw corrupt("the vocabulary is not the tokenizer's pieces") }
      subword = model
    }
    let spelling = try c.decodeIfPresent([String: Double].self, forKey: .spelling) ?? [:]
    guard spelling.values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw DecodingError.dataCorruptedError(
        forKey: .spelling, in: c, debugDescription: "spelling costs must be finite and not negative")
    }
    self.init(
      tokens: tokens, vocabulary: vocabulary, resetAt: try c.decode(TextDomain.ResetPolicy.self, forKey: .resetAt),
      extensions: try c.decodeIfPresent([String].self, forKey: .extensions), spelling: spelling, subword: subword)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    if tokens != .char { try c.encode(tokens, forKey: .tokens) }
    try c.encode(vocabulary, forKey: .vocabulary)
    try c.encode(resetAt, forKey: .resetAt)
    try c.encodeIfPresent(extensions, forKey: .extensions)
    if !spelling.isEmpty { try c.encode(spelling, forKey: .spelling) }
    try c.encodeIfPresent(subword?.serialized, forKey: .tokenizer)
  }

  public static func == (a: TextCodec, b: TextCodec) -> Bool {
    a.tokens == b.tokens && a.vocabulary == b.vocabulary && a.resetAt == b.resetAt && a.extensions == b.extensions
      && a.spelling == b.spelling && a.subword?.serialized == b.subword?.serialized
  }
}
