import SoundIO

/// What can go wrong with audio input; each case prints as one line naming the file.
public enum AudioError: Error, CustomStringConvertible, Equatable {
  /// libsndfile's (or the reader's) verdict on one file.
  case sound(SoundFileError)
  /// A path that does not exist, or a directory without audio files.
  case unreadable(path: String, reason: String)
  /// A clip with fewer samples than one frame after resampling and trimming.
  case tooShort(path: String, samples: Int, frameSize: Int)
  /// No file gave two frames or more (nothing to predict).
  case emptyCorpus(String)
  /// A codec or flag value outside its range.
  case invalidSetting(String)

  public var description: String {
    switch self {
    case .sound(let e): e.description
    case .unreadable(let path, let reason): "\(path): \(reason)"
    case .tooShort(let path, let samples, let frameSize):
      "\(path): too short: \(samples) sample\(samples == 1 ? "" : "s") at the model rate, fewer than one frame of \(frameSize)"
    case .emptyCorpus(let paths): "\(paths): no audio long enough to train on (each file needs at least two frames)"
    case .invalidSetting(let m): m
    }
  }
}
