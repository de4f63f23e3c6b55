// libFuzzer target: the speech domain's path from bytes to codec2 frames and back: libsndfile
// on a memory buffer, the mix-down and resampling to 8 kHz, codec2 encoding, each frame's
// fields unpacked and packed again (which must give the same bytes), and decoding.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func speechFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let data = Data(bytes: bytes, count: size)
  guard let audio = try? SoundFile.read(data: data, name: "fuzz"), audio.frames <= 1 << 16 else { return 0 }
  guard let x = try? SoundFile.resample(audio.mono, channels: 1, from: audio.sampleRate, to: Codec2Mode.sampleRate)
  else {
    return 0
  }
  let pcm = x.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
  for mode in Codec2Mode.allCases {
    guard let codec = try? Codec2(mode: mode) else { fatalError("codec2 has no mode \(mode.rawValue)") }
    let frames = codec.encode(pcm)
    for frame in frames {
      guard let fields = try? mode.unpack(frame), (try? mode.pack(fields)) == frame else {
        fatalError("codec2 \(mode.rawValue): a frame did not survive unpack and pack")
      }
    }
    _ = try? codec.decode(frames)
  }
  return 0
}
