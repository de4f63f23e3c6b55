import Foundation

/// Everything that can go wrong reading, writing or resampling audio; each case prints as one
/// line naming the file (or the operation) and the problem, with libsndfile's or
/// libsamplerate's own message where it has one.
public enum SoundFileError: Error, CustomStringConvertible, Equatable {
  /// libsndfile could not open or decode the file; `message` is `sf_strerror`'s text.
  case unreadable(path: String, message: String)
  /// The file decoded, but fewer frames than its header declares were present.
  case truncated(path: String, declared: Int, present: Int)
  /// The file holds no audio frames.
  case empty(path: String)
  /// A header value outside what we accept (channel count, sample rate, length).
  case outOfRange(path: String, what: String)
  /// A sample that is NaN or infinite (possible in float WAV files).
  case nonFiniteSample(path: String, frame: Int, channel: Int)
  /// The output extension names no format we write.
  case unknownOutputFormat(path: String)
  /// libsndfile could not encode or the file could not be saved.
  case unwritable(path: String, message: String)
  /// Arguments a caller passed that cannot describe audio (a programmer or flag error).
  case invalidArgument(String)
  /// libsamplerate failed; `message` is `src_strerror`'s text.
  case resampling(message: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let message): "\(path): \(Self.oneLine(message))"
    case .truncated(let path, let declared, let present):
      "\(path): truncated audio: the header declares \(declared) frames but only \(present) could be decoded"
    case .empty(let path): "\(path): no audio (zero frames)"
    case .outOfRange(let path, let what): "\(path): \(what)"
    case .nonFiniteSample(let path, let frame, let channel):
      "\(path): sample \(frame) of channel \(channel + 1) is not a finite number (NaN or infinity)"
    case .unknownOutputFormat(let path):
      "\(path): unknown output format; use the extension .wav, .flac or .ogg"
    case .unwritable(let path, let message): "\(path): cannot write: \(Self.oneLine(message))"
    case .invalidArgument(let message): message
    case .resampling(let message): "resampling failed: \(Self.oneLine(message))"
    }
  }

  /// libsndfile messages sometimes end in a newline or span lines; we print one line.
  static func oneLine(_ s: String) -> String {
    s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      .joined(separator: " ")
  }
}
