// libFuzzer target: the Standard MIDI File reader and the event encoding of what it read.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func midiFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("seqgen-fuzz-\(getpid()).mid")
  try? Data(bytes: bytes, count: size).write(to: url)
  if let sequences = try? NoteDomain().read([url]), let codec = try? NoteDomain().makeCodec(for: sequences) {
    for s in sequences { for e in s.steps { _ = try? NoteDomain().input(e, codec: codec) } }
  }
  return 0
}
