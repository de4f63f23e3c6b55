import CSndFile

/// The formats `SoundFile.write` produces, chosen by the output file's extension.
public enum SoundFileFormat: String, CaseIterable, Sendable {
  /// RIFF WAVE, 16-bit PCM.
  case wav
  /// FLAC, 16-bit (lossless).
  case flac
  /// Ogg Vorbis (lossy).
  case ogg

  /// The format an extension names (case-insensitive), or nil.
  public init?(extension ext: String) {
    switch ext.lowercased() {
    case "wav", "wave": self = .wav
    case "flac": self = .flac
    case "ogg", "oga": self = .ogg
    default: return nil
    }
  }

  /// libsndfile's major format | subtype.
  var sfFormat: Int32 {
    switch self {
    case .wav: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
    case .flac: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
    case .ogg: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
    }
  }
}
