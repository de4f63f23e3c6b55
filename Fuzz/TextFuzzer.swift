// libFuzzer target: the text reader (bytes → strict UTF-8 → corpus), as characters, as words
// and as subwords: the word pieces of any text, and the pieces of the golden SentencePiece
// model, must give it back. Built by scripts/fuzz.sh.
import Foundation

/// A subword codec of the committed golden tokenizer (fuzz.sh runs from the repository root).
let subwords: TextCodec = {
  let model = try! SentencePieceModel(contentsOf: URL(fileURLWithPath: "fixtures/reference/sentencepiece_bpe.model"))
  return TextCodec(tokens: .bpe, vocabulary: model.pieces, resetAt: .file, subword: model)
}()

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
    let pieces = try! subwords.subwordPieces(of: text)
    precondition(
      subwords.text(of: pieces) == text.replacingOccurrences(of: "\u{2581}", with: " "),
      "subword pieces do not give the text back")
  }
  return 0
}
