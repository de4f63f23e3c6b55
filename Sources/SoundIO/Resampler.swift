import CSampleRate

/// Sample-rate conversion with libsamplerate's band-limited sinc converters.
public struct Resampler: Sendable {
  /// libsamplerate's converter, best to fastest.
  public enum Quality: Sendable {
    case best, medium, fastest

    var converter: Int32 {
      switch self {
      case .best: Int32(SRC_SINC_BEST_QUALITY)
      case .medium: Int32(SRC_SINC_MEDIUM_QUALITY)
      case .fastest: Int32(SRC_SINC_FASTEST)
      }
    }
  }

  public var quality: Quality

  public init(quality: Quality = .medium) { self.quality = quality }

  /// Interleaved `samples` at `inputRate` resampled to `outputRate` (`src_simple`); the
  /// result has round(frames · outputRate / inputRate) frames. Equal rates return the input.
  public func resample(_ samples: [Float], channels: Int, from inputRate: Int, to outputRate: Int)
    throws(SoundFileError) -> [Float]
  {
    guard channels >= 1, samples.count % channels == 0 else {
      throw .invalidArgument("resampling: \(samples.count) samples do not divide into \(channels) channels")
    }
    guard inputRate >= 1, outputRate >= 1 else {
      throw .invalidArgument("resampling: sample rates must be positive (from \(inputRate) to \(outputRate) Hz)")
    }
    if inputRate == outputRate || samples.isEmpty { return samples }
    let ratio = Double(outputRate) / Double(inputRate)
    guard src_is_valid_ratio(ratio) != 0 else {
      throw .invalidArgument(
        "resampling: \(inputRate) → \(outputRate) Hz is a ratio libsamplerate cannot do (at most 256× either way)")
    }
    let frames = samples.count / channels
    let outFrames = Int((Double(frames) * ratio).rounded())
    // libsamplerate may stop a frame or two short of the ideal length; pad by repeating the end.
    var output = [Float](repeating: 0, count: (outFrames + 2) * channels)
    var generated = 0
    let error: Int32 = samples.withUnsafeBufferPointer { input in
      output.withUnsafeMutableBufferPointer { out in
        var data = SRC_DATA()
        data.data_in = input.baseAddress
        data.input_frames = frames
        data.data_out = out.baseAddress
        data.output_frames = outFrames + 2
        data.end_of_input = 1
        data.src_ratio = ratio
        let e = Self.simple(&data, converter: quality.converter, channels: Int32(channels))
        generated = Int(data.output_frames_gen)
        return e
      }
    }
    guard error == 0 else { throw .resampling(message: Self.message(error)) }
    output.removeSubrange(min(generated, outFrames) * channels..<output.count)
    if generated < outFrames, generated > 0 {
      let last = Array(output[((generated - 1) * channels)...])
      for _ in generated..<outFrames { output.append(contentsOf: last) }
    } else if generated == 0 {
      output = [Float](repeating: 0, count: outFrames * channels)
    }
    return output
  }

  /// One-shot conversion of a whole buffer (`src_simple`).
  static func simple(_ data: inout SRC_DATA, converter: Int32, channels: Int32) -> Int32 {
    src_simple(&data, converter, channels)
  }

  /// libsamplerate's text for an error code (`src_strerror`).
  static func message(_ error: Int32) -> String {
    guard let c = src_strerror(error) else { return "libsamplerate error \(error)" }
    return String(cString: c)
  }
}
