// libFuzzer target: the ink readers (InkML, IAM stroke XML, JSON strokes), chosen by content.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func inkFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("seqgen-fuzz-\(getpid()).inkml")
  try? Data(bytes: bytes, count: size).write(to: url)
  if let sequences = try? HandwritingDomain().read([url]) { _ = try? HandwritingDomain().makeCodec(for: sequences) }
  return 0
}
