/// What can go wrong with text input; each prints as one line naming the file.
public enum TextError: Error, CustomStringConvertible, Equatable {
  case unreadable(path: String, reason: String)
  case invalidUTF8(path: String, offset: Int)
  case emptyCorpus(String)
  /// A directory read without chosen extensions holds no file that is UTF-8 text.
  case noText(path: String, skipped: Int)
  case notInVocabulary(String)
  case unknownPrimeCharacter(origin: String, piece: String)
  /// `tokens: .word` on text without a letter or digit.
  case noWords(String)
  /// No word piece occurs `minCount` times.
  case vocabularyEmpty(minCount: Int)
  /// SentencePiece could not train a subword vocabulary of `size` pieces on the training text.
  case subwordVocabulary(size: Int, reason: String)
  /// A `tokenizer` file that cannot be read as a SentencePiece model.
  case badTokenizer(path: String, reason: String)
  /// SentencePiece failed on text.
  case tokenizer(String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): \(reason)"
    case .invalidUTF8(let path, let offset): "\(path): invalid UTF-8 at byte offset \(offset)"
    case .emptyCorpus(let paths): "\(paths): empty corpus (no text with at least two characters)"
    case .noText(let path, let skipped):
      "\(path): no UTF-8 text file in the directory (\(skipped) file\(skipped == 1 ? "" : "s") skipped as binary or not UTF-8; `extensions` chooses the files to read)"
    case .notInVocabulary(let s): "character \(Self.show(s)) is not in the model's vocabulary"
    case .unknownPrimeCharacter(let origin, let s):
      "\(origin): prime character \(Self.show(s)) is not in the model's vocabulary (`skipUnknown` drops it)"
    case .noWords(let paths): "\(paths): no words to learn (`tokens` word needs letters or digits; use char)"
    case .vocabularyEmpty(let minCount):
      "no word occurs \(minCount) times in the training text; lower `minCount`"
    case .subwordVocabulary(let size, let reason):
      "cannot make a subword vocabulary of \(size) pieces from the training text: \(reason)"
    case .badTokenizer(let path, let reason): "\(path): not a SentencePiece model (\(reason))"
    case .tokenizer(let reason): reason
    }
  }

  /// A piece as an error shows it: a single character with its code point (whitespace and
  /// control characters by code point alone), a longer piece quoted.
  static func show(_ piece: String) -> String {
    guard piece.unicodeScalars.count == 1, let s = piece.unicodeScalars.first else { return "'\(piece)'" }
    let code = "U+" + String(s.value, radix: 16, uppercase: true).leftPadded(to: 4)
    return s.properties.isWhitespace || s.value < 0x20 ? code : "'\(Character(s))' (\(code))"
  }
}

extension String {
  fileprivate func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
