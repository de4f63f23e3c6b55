import Codec2
import ESpeak
import Foundation

/// What the attention window of a speech model reads of a transcript.
public enum SpeechCondition: String, Codable, CaseIterable, Sendable {
  /// Its characters (lower-cased): spelling, which the model must learn to pronounce.
  case text
  /// Its phonemes as espeak-ng spells them (US English): pronunciation given, so only the
  /// sound of each phoneme is left to learn (Fan et al. 2014 feed phoneme-level features).
  case phonemes
}

/// Everything a trained speech model needs again: the codec2 mode its frames are coded in and,
/// for a model that says a given text, the characters its attention window reads.
public struct SpeechCodec: Codable, Sendable, Equatable {
  public var mode: Codec2Mode
  /// The symbols the window reads, sorted: the transcripts' characters (lower-cased: "The" and
  /// "the" sound alike) or their phonemes' characters; nil for a model that babbles (trained
  /// without transcripts).
  public var alphabet: [String]?
  /// What the symbols are; nil with an alphabet is `text` (runs made before phonemes).
  public var condition: SpeechCondition?
  /// Frames per transcript character over the corpus, to cap a clip's length when the window
  /// never passes the text's end.
  public var framesPerCharacter: Double?

  public init(
    mode: Codec2Mode = .mode3200, alphabet: [String]? = nil, condition: SpeechCondition? = nil,
    framesPerCharacter: Double? = nil
  ) {
    self.mode = mode
    self.alphabet = alphabet
    self.condition = alphabet == nil ? nil : condition ?? .text
    self.framesPerCharacter = framesPerCharacter
  }

  /// A text as the model reads it: lower-cased, runs of white space as one space, trimmed.
  public static func normalized(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The voice whose pronunciation phonemes follow.
  public static let phonemeVoice = "en-us"

  /// What the window reads of `text`: the normalised text, or its phonemes.
  public static func symbols(of text: String, as condition: SpeechCondition) throws(SpeechError) -> String {
    let normalized = normalized(text)
    guard condition == .phonemes else { return normalized }
    do { return try ESpeak.phonemes(normalized, voice: phonemeVoice) } catch {
      throw .invalidSetting(error.description)
    }
  }

  /// The window's classes of `text`; a symbol outside the alphabet is an error naming
  /// `source`, or left out with `skipUnknown`.
  public func classes(of text: String, source: String, skipUnknown: Bool = false) throws(SpeechError) -> [Int] {
    guard let alphabet else { return [] }
    let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    var classes: [Int] = []
    for character in try Self.symbols(of: text, as: condition ?? .text) {
      if let k = index[String(character)] {
        classes.append(k)
      } else if !skipUnknown {
        throw .unknownCharacter(path: source, character: String(character))
      }
    }
    return classes
  }
}
