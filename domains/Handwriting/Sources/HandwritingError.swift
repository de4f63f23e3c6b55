/// What can go wrong with handwriting input and output; each case prints as one line that names
/// the file and, where known, the line, trace or stroke.
public enum HandwritingError: Error, CustomStringConvertible, Equatable {
  /// A file or directory that cannot be opened or is too large to be ink.
  case unreadable(path: String, reason: String)
  /// Syntax the reader cannot parse (XML or JSON), with the location the parser reported.
  case malformed(path: String, location: String?, reason: String)
  /// Well-formed input whose ink is unusable (odd coordinates, non-numbers, a one-point stroke).
  case badStroke(path: String, location: String, reason: String)
  /// A file that holds no pen-down strokes.
  case noStrokes(path: String)
  /// A directory without .inkml, .xml or .json files.
  case noInkFiles(path: String)
  /// Nothing to learn from: no offsets, or all of them zero.
  case emptyCorpus(String)
  /// Offsets that cannot be normalised: every dx (or every dy) is the same.
  case constantOffsets(String)
  /// A generated file whose extension is neither .svg nor .inkml.
  case unsupportedOutput(path: String)
  /// A sequence without the transcription a text-conditioned model needs.
  case noTranscription(path: String, reason: String? = nil)
  /// A character a text-conditioned model has no class for.
  case unknownCharacter(path: String, character: String)

  public var description: String {
    let text: String =
      switch self {
      case .unreadable(let path, let reason): "\(path): \(reason)"
      case .malformed(let path, let location, let reason): "\(path): \(location.map { "\($0): " } ?? "")\(reason)"
      case .badStroke(let path, let location, let reason): "\(path): \(location): \(reason)"
      case .noStrokes(let path): "\(path): no pen-down strokes in the file"
      case .noInkFiles(let path): "\(path): directory contains no ink files (.inkml, .xml, .json)"
      case .emptyCorpus(let paths): "\(paths): empty corpus (no pen offsets to learn from)"
      case .constantOffsets(let paths): "\(paths): every pen offset has the same dx or the same dy; nothing to learn"
      case .unsupportedOutput(let path): "\(path): handwriting is written as .svg or .inkml"
      case .noTranscription(let path, let reason):
        "\(path): no transcription (InkML <annotation type=\"truth\">, JSON {\"text\": …, \"strokes\": …}, or an IAM ascii/ file), which a text-conditioned model needs\(reason.map { "; \($0)" } ?? "")"
      case .unknownCharacter(let path, let character):
        "\(path): the model has no class for the character \(character.debugDescription) (U+\(String(character.unicodeScalars.first!.value, radix: 16, uppercase: true))); use `skipUnknown` to leave it out"
      }
    return text.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
