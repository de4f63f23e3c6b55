// libFuzzer target: the text reader (bytes → strict UTF-8 → corpus), as characters and as
// words: cutting any text into word pieces and joining them must give it back. Built by
// scripts/fuzz.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func textFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("seqgen-fuzz-\(getpid()).txt")
  try? Data(bytes: bytes, count: size).write(to: url)
  for domain in [TextDomain(), TextDomain(tokens: .word, minCount: 2)] {
    if let sequences = try? domain.read([url]), let codec = try? domain.makeCodec(for: sequences) {
      _ = try? domain.prime(PrimeRequest(file: url, skipUnknown: true), codec: codec)
      for s in sequences { _ = try? s.steps.map { try domain.input($0, codec: codec) } }
    }
  }
  if let text = String(validating: UnsafeBufferPointer(start: bytes, count: size), as: UTF8.self) {
    precondition(WordTokenizer.pieces(text.unicodeScalars).joined() == text, "word pieces do not join back")
  }
  return 0
}
