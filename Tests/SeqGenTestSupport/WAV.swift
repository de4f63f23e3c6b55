import Foundation

/// Hand-made RIFF WAVE bytes, so tests can lie in the header on purpose.
public enum WAV {
  /// - Parameters:
  ///   - formatTag: 1 = integer PCM, 3 = IEEE float.
  ///   - declaredDataBytes: what the data chunk's size field says (default: the true size).
  public static func bytes(
    channels: Int = 1, sampleRate: Int = 8000, bitsPerSample: Int = 16, formatTag: Int = 1, data: [UInt8],
    declaredDataBytes: Int? = nil
  ) -> [UInt8] {
    var out: [UInt8] = []
    func u32(_ v: Int) { out += withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian, Array.init) }
    func u16(_ v: Int) { out += withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian, Array.init) }
    let blockAlign = channels * bitsPerSample / 8
    out += Array("RIFF".utf8)
    u32(36 + (declaredDataBytes ?? data.count))
    out += Array("WAVEfmt ".utf8)
    u32(16)
    u16(formatTag)
    u16(channels)
    u32(sampleRate)
    u32(sampleRate * blockAlign)
    u16(blockAlign)
    u16(bitsPerSample)
    out += Array("data".utf8)
    u32(declaredDataBytes ?? data.count)
    return out + data
  }

  /// 16-bit little-endian PCM bytes of `samples` in [−1, 1].
  public static func pcm16(_ samples: [Float]) -> [UInt8] {
    samples.flatMap { s -> [UInt8] in
      let v = Int16(max(-32768, min(32767, (s * 32768).rounded())))
      return withUnsafeBytes(of: v.littleEndian, Array.init)
    }
  }

  /// 32-bit float little-endian bytes.
  public static func float32(_ samples: [Float]) -> [UInt8] {
    samples.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
  }
}
