import Foundation
import SentencePiece
import Testing

/// The SentencePiece wrapper: training in memory, loading, encoding, and the library's failures
/// as typed errors in its own words (without its source locations).
@Suite struct SentencePieceTests {
  static let text = try! String(
    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../fixtures/text/shakespeare.txt").standardized, encoding: .utf8
  ).prefix(40_000)

  static let options = [
    "model_type": "bpe", "vocab_size": "350", "byte_fallback": "true", "character_coverage": "1.0",
    "normalization_rule_name": "identity", "remove_extra_whitespaces": "false", "add_dummy_prefix": "false",
    "bos_id": "-1", "eos_id": "-1", "model_prefix": "",
  ]

  @Test func trainsTheSameModelTwiceAndLoadsIt() throws {
    let a = try SentencePieceModel.train(text: String(Self.text), options: Self.options)
    let b = try SentencePieceModel.train(text: String(Self.text), options: Self.options)
    #expect(a.serialized == b.serialized)
    #expect(a.pieces.count == 350 && a.kinds.count == 350)
    #expect(a.kinds[0] == .unknown && a.pieces[0] == "<unk>")
    #expect(a.kinds[1] == .byte(0) && a.pieces[11] == "<0x0A>" && a.kinds[11] == .byte(10))
    let loaded = try SentencePieceModel(serialized: a.serialized)
    #expect(loaded.pieces == a.pieces)
    let ids = try loaded.encode("the king's men\n")
    #expect(ids.allSatisfy { (0..<350).contains($0) })
    #expect(ids.map { a.pieces[$0] }.joined().replacingOccurrences(of: "▁", with: " ") == "the king's men<0x0A>")
  }

  @Test func failuresAreTypedAndReadable() {
    var tooMany = Self.options
    tooMany["vocab_size"] = "100000"
    #expect {
      try SentencePieceModel.train(text: String(Self.text), options: tooMany)
    } throws: { error in
      guard case .training(let why)? = error as? SentencePieceError else { return false }
      return why.hasPrefix("Vocabulary size too high (100000)") && !why.contains(".cc(")
    }
    var unknownOption = Self.options
    unknownOption["no_such_option"] = "1"
    #expect(throws: SentencePieceError.self) { try SentencePieceModel.train(text: "a b", options: unknownOption) }
    for bytes in [Data(), Data("garbage".utf8), Data(repeating: 0x0A, count: 64)] {
      #expect {
        try SentencePieceModel(serialized: bytes)
      } throws: { error in
        guard case .badModel(let why)? = error as? SentencePieceError else { return false }
        return !why.isEmpty && !why.contains("\n")
      }
    }
    #expect(throws: SentencePieceError.self) {
      try SentencePieceModel(contentsOf: URL(fileURLWithPath: "/nonexistent/tokenizer.model"))
    }
  }
}
