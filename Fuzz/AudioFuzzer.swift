// libFuzzer target: libsndfile through SoundFile's virtual I/O on a memory buffer (every format
// libsndfile recognises), then the mono mix-down and resampling the audio domain applies.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func audioFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let data = Data(bytes: bytes, count: size)
  guard let audio = try? SoundFile.read(data: data, name: "fuzz"), audio.frames <= 1 << 16 else { return 0 }
  _ = try? SoundFile.resample(audio.mono, channels: 1, from: audio.sampleRate, to: 8000)
  return 0
}
