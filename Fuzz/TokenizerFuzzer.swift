// libFuzzer target: a SentencePiece model file (`--tokenizer FILE.model`, a checkpoint's
// `tokenizer`) as bytes. Loading either fails with a typed error or gives a model that encodes
// text into ids within its vocabulary. Built by scripts/fuzz.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func tokenizerFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard let model = try? SentencePieceModel(serialized: Data(bytes: bytes, count: size)) else { return 0 }
  precondition(model.pieces.count == model.kinds.count)
  for text in [
    "ROMEO: the king's men\n\n\tcafé 日本", String(decoding: Data(bytes: bytes, count: min(size, 256)), as: UTF8.self),
  ] {
    if let ids = try? model.encode(text) {
      precondition(ids.allSatisfy { model.pieces.indices.contains($0) }, "an id outside the vocabulary")
    }
  }
  return 0
}
