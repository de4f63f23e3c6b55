// libFuzzer target: the text reader (bytes → strict UTF-8 → corpus). Built by scripts/fuzz.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func textFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("seqgen-fuzz-\(getpid()).txt")
  try? Data(bytes: bytes, count: size).write(to: url)
  if let sequences = try? TextDomain().read([url]), let codec = try? TextDomain().makeCodec(for: sequences) {
    _ = try? TextDomain().prime(PrimeRequest(file: url, skipUnknown: true), codec: codec)
  }
  return 0
}
