import Codec2
import Foundation
import SoundIO

/// Everything the speech domain refuses, one line each, naming the file or setting.
public enum SpeechError: Error, CustomStringConvertible {
  /// A file or folder that cannot be read as speech.
  case unreadable(path: String, reason: String)
  /// libsndfile or libsamplerate refused the file.
  case sound(SoundFileError)
  /// codec2 refused something.
  case codec(Codec2Error)
  /// A clip shorter than one codec frame after resampling.
  case tooShort(path: String, seconds: Double, frameSeconds: Double)
  /// No clip of two or more frames in what was given.
  case emptyCorpus(String)
  /// A clip without a transcript where the run writes given text.
  case noTranscript(path: String)
  /// A transcript character outside the model's alphabet.
  case unknownCharacter(path: String, character: String)
  /// A bad line in an LJSpeech `metadata.csv`.
  case badMetadata(path: String, line: Int, reason: String)
  /// A setting outside its range, named as the domain names it.
  case invalidSetting(String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): \(reason)"
    case .sound(let error): error.description
    case .codec(let error): error.description
    case .tooShort(let path, let seconds, let frameSeconds):
      String(format: "%@: %.3f s of audio is shorter than one %.0f ms codec frame", path, seconds, frameSeconds * 1000)
    case .emptyCorpus(let paths): "\(paths): no clip of two or more codec frames"
    case .noTranscript(let path):
      "\(path): no transcript (give name.txt beside name.wav, or an LJSpeech metadata.csv), needed to learn to say a given text"
    case .unknownCharacter(let path, let character):
      "\(path): the character \(character.debugDescription) is not in the model's alphabet"
    case .badMetadata(let path, let line, let reason): "\(path):\(line): \(reason)"
    case .invalidSetting(let message): message
    }
  }
}
