import Codec2
import Foundation

/// Everything a trained speech model needs again: the codec2 mode its frames are coded in and,
/// for a model that says a given text, the characters its attention window reads.
public struct SpeechCodec: Codable, Sendable, Equatable {
  public var mode: Codec2Mode
  /// The transcripts' characters, sorted (lower-cased: "The" and "the" sound alike); nil for a
  /// model that babbles (trained without transcripts).
  public var alphabet: [String]?
  /// Frames per transcript character over the corpus, to cap a clip's length when the window
  /// never passes the text's end.
  public var framesPerCharacter: Double?

  public init(mode: Codec2Mode = .mode3200, alphabet: [String]? = nil, framesPerCharacter: Double? = nil) {
    self.mode = mode
    self.alphabet = alphabet
    self.framesPerCharacter = framesPerCharacter
  }

  /// A text as the model reads it: lower-cased, runs of white space as one space, trimmed.
  public static func normalized(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The window's classes of `text` (normalised); a character outside the alphabet is an error
  /// naming `source`, or left out with `skipUnknown`.
  public func classes(of text: String, source: String, skipUnknown: Bool = false) throws(SpeechError) -> [Int] {
    guard let alphabet else { return [] }
    let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    var classes: [Int] = []
    for character in Self.normalized(text) {
      if let k = index[String(character)] {
        classes.append(k)
      } else if !skipUnknown {
        throw .unknownCharacter(path: source, character: String(character))
      }
    }
    return classes
  }
}
