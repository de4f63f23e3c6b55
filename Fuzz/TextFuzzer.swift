// libFuzzer target: the text reader (bytes → strict UTF-8 → corpus), as characters and as
// words: the word pieces of any text must join back to it. Built by scripts/fuzz.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func textFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("seqgen-fuzz-\(getpid()).txt")
  try? Data(bytes: bytes, count: size).write(to: url)
  if let sequences = try? TextDomain().read([url]), let codec = try? TextDomain().makeCodec(for: sequences) {
    _ = try? TextDomain().prime(PrimeRequest(file: url, skipUnknown: true), codec: codec)
  }
  let words = TextDomain(tokens: .word, minCount: 2)
  if let sequences = try? words.read([url]),
    let text = String(validating: UnsafeBufferPointer(start: bytes, count: size), as: UTF8.self)
  {
    var scalars = Substring(text).unicodeScalars[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    precondition(sequences.map { $0.steps.joined() }.joined() == String(scalars), "word pieces do not join back")
    _ = try? words.makeCodec(for: sequences)
  }
  return 0
}
