import CCodec2
import Synchronization

/// A codec2 bit rate SeqGen models: both code 8 kHz speech with scalar quantisers that make no
/// prediction across frames, so each frame's fields can be learned as independent classes.
/// (2400 is left out: its joint pitch/energy index is predicted from the previous frame.)
public enum Codec2Mode: String, CaseIterable, Codable, Sendable {
  /// 20 ms frames of 64 bits: voicing of each 10 ms half, pitch, energy, ten LSP differences.
  case mode3200 = "3200"
  /// 40 ms frames of 52 bits: voicing of each 10 ms quarter, pitch, energy, ten LSPs.
  case mode1300 = "1300"

  /// codec2's own sample rate for these modes.
  public static let sampleRate = 8000

  var library: Int32 {
    switch self {
    case .mode3200: CODEC2_MODE_3200
    case .mode1300: CODEC2_MODE_1300
    }
  }

  /// Bits of each field, in the order codec2 packs them (most significant bit first, each
  /// field Gray-coded): codec2.c's `codec2_encode_3200` / `codec2_encode_1300`.
  public var fieldBits: [Int] {
    switch self {
    case .mode3200: [1, 1, 7, 5] + [Int](repeating: 5, count: 10)
    case .mode1300: [1, 1, 1, 1, 7, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2]
    }
  }

  /// A short name for each field (voicing, pitch, energy, then the spectral envelope's LSPs).
  public var fieldNames: [String] {
    let voicing = self == .mode3200 ? 2 : 4
    let lsp = self == .mode3200 ? "lspd" : "lsp"
    return (1...voicing).map { "voiced\($0)" } + ["pitch", "energy"] + (1...10).map { "\(lsp)\($0)" }
  }

  /// Values each field takes: 2^bits.
  public var fieldSizes: [Int] { fieldBits.map { 1 << $0 } }
  /// Index of the energy field in `fieldBits`.
  public var energyField: Int { self == .mode3200 ? 3 : 5 }
  public var bitsPerFrame: Int { fieldBits.reduce(0, +) }
  public var bytesPerFrame: Int { (bitsPerFrame + 7) / 8 }
  public var samplesPerFrame: Int { self == .mode3200 ? 160 : 320 }
  /// Frame duration in seconds.
  public var frameSeconds: Double { Double(samplesPerFrame) / Double(Self.sampleRate) }
}

/// Everything the codec2 wrapper refuses, as one line each.
public enum Codec2Error: Error, Equatable, CustomStringConvertible {
  /// `codec2_create` returned nothing (the library was built without this mode).
  case unavailable(Codec2Mode)
  /// A packed frame of the wrong length.
  case frameSize(expected: Int, got: Int)
  /// A field list of the wrong length, or a value outside its field's range.
  case field(String)

  public var description: String {
    switch self {
    case .unavailable(let mode): "codec2: this libcodec2 has no mode \(mode.rawValue)"
    case .frameSize(let expected, let got): "codec2: a packed frame has \(expected) bytes, got \(got)"
    case .field(let message): "codec2: \(message)"
    }
  }
}

/// One codec2 encoder/decoder (libcodec2). Its state carries across calls (the decoder
/// interpolates between frames), so one instance codes one stream at a time.
public final class Codec2 {
  public let mode: Codec2Mode
  private let state: OpaquePointer

  public init(mode: Codec2Mode) throws(Codec2Error) {
    guard let state = codec2_create(mode.library) else { throw .unavailable(mode) }
    self.mode = mode
    self.state = state
    precondition(
      Int(codec2_bits_per_frame(state)) == mode.bitsPerFrame, "codec2 \(mode.rawValue): frame layout changed")
    precondition(Int(codec2_samples_per_frame(state)) == mode.samplesPerFrame)
  }

  deinit { codec2_destroy(state) }

  /// 8 kHz 16-bit PCM to packed frames; a last partial frame is padded with silence.
  public func encode(_ pcm: [Int16]) -> [[UInt8]] {
    let n = mode.samplesPerFrame
    let count = (pcm.count + n - 1) / n
    var frame = [Int16](repeating: 0, count: n)
    return (0..<count).map { f in
      let start = f * n
      let end = min(start + n, pcm.count)
      frame.withUnsafeMutableBufferPointer { out in
        for i in 0..<n { out[i] = start + i < end ? pcm[start + i] : 0 }
      }
      var bytes = [UInt8](repeating: 0, count: mode.bytesPerFrame)
      codec2_encode(state, &bytes, &frame)
      return bytes
    }
  }

  /// Packed frames to 8 kHz 16-bit PCM, `samplesPerFrame` per frame.
  ///
  /// Unvoiced phases come from codec2's one process-wide generator (`codec2_rand`), which
  /// nothing resets: the same frames decode to the same sound, but to the same samples only in
  /// the same order of decodings since the process started. Decodings take a lock, since that
  /// generator is not thread-safe.
  public func decode(_ frames: [[UInt8]]) throws(Codec2Error) -> [Int16] {
    let n = mode.samplesPerFrame
    if let bad = frames.first(where: { $0.count != mode.bytesPerFrame }) {
      throw .frameSize(expected: mode.bytesPerFrame, got: bad.count)
    }
    var pcm = [Int16](repeating: 0, count: frames.count * n)
    decoding.withLock { _ in
      pcm.withUnsafeMutableBufferPointer { out in
        for (f, bytes) in frames.enumerated() {
          bytes.withUnsafeBufferPointer { codec2_decode(state, out.baseAddress! + f * n, $0.baseAddress!) }
        }
      }
    }
    return pcm
  }

  /// The frame energy codec2 decodes from a packed frame (its `codec2_get_energy`).
  public func energy(of bytes: [UInt8]) throws(Codec2Error) -> Float {
    guard bytes.count == mode.bytesPerFrame else { throw .frameSize(expected: mode.bytesPerFrame, got: bytes.count) }
    return bytes.withUnsafeBufferPointer { codec2_get_energy(state, $0.baseAddress!) }
  }
}

/// Held while codec2 decodes (its phase generator is one unguarded global).
private let decoding = Mutex(())

extension Codec2Mode {
  /// A packed frame's fields as quantiser indices (each read most significant bit first and
  /// Gray-decoded), in `fieldBits` order.
  public func unpack(_ bytes: [UInt8]) throws(Codec2Error) -> [Int] {
    guard bytes.count == bytesPerFrame else { throw .frameSize(expected: bytesPerFrame, got: bytes.count) }
    var bit = 0
    return fieldBits.map { width in
      var gray = 0
      for _ in 0..<width {
        gray = gray << 1 | Int(bytes[bit >> 3] >> (7 - bit & 7) & 1)
        bit += 1
      }
      var natural = gray
      var shift = gray >> 1
      while shift != 0 {
        natural ^= shift
        shift >>= 1
      }
      return natural
    }
  }

  /// Fields back into a packed frame: the inverse of `unpack`.
  public func pack(_ fields: [Int]) throws(Codec2Error) -> [UInt8] {
    guard fields.count == fieldBits.count else {
      throw .field("a \(rawValue) frame has \(fieldBits.count) fields, got \(fields.count)")
    }
    var bytes = [UInt8](repeating: 0, count: bytesPerFrame)
    var bit = 0
    for (i, width) in fieldBits.enumerated() {
      let value = fields[i]
      guard value >= 0 && value < 1 << width else {
        throw .field("field \(fieldNames[i]) is \(value), outside 0..<\(1 << width)")
      }
      let gray = value ^ value >> 1
      for k in stride(from: width - 1, through: 0, by: -1) {
        if gray >> k & 1 == 1 { bytes[bit >> 3] |= 1 << (7 - bit & 7) }
        bit += 1
      }
    }
    return bytes
  }
}
