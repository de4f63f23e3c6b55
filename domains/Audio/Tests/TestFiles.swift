import Foundation

/// A fresh directory under the system temporary directory; `remove()` it when done.
struct TempDir {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("AudioDomainTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// Writes `bytes` to `name` and returns its URL.
  @discardableResult
  func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let file = path(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
    return file
  }
}

/// The repository root, found from this file's path (tests read fixtures from there).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The speech fixture's folder.
let speechFixtures = repositoryRoot.appendingPathComponent("fixtures/audio/speech")

/// Hand-made RIFF WAVE bytes, so tests can lie in the header on purpose.
enum WAV {
  /// - Parameters:
  ///   - formatTag: 1 = integer PCM, 3 = IEEE float.
  ///   - declaredDataBytes: what the data chunk's size field says (default: the true size).
  static func bytes(
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
  static func pcm16(_ samples: [Float]) -> [UInt8] {
    samples.flatMap { s -> [UInt8] in
      let v = Int16(max(-32768, min(32767, (s * 32768).rounded())))
      return withUnsafeBytes(of: v.littleEndian, Array.init)
    }
  }

  /// 32-bit float little-endian bytes.
  static func float32(_ samples: [Float]) -> [UInt8] {
    samples.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
  }
}

/// A sine of `frequency` Hz, `seconds` long, at `rate`, amplitude `amplitude`.
func sine(frequency: Double, seconds: Double, rate: Int, amplitude: Float = 0.5) -> [Float] {
  (0..<Int(seconds * Double(rate))).map { amplitude * Float(sin(2 * .pi * frequency * Double($0) / Double(rate))) }
}
