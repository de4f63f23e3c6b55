import Foundation
import SentencePiece
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import TextDomain

/// Subword text (SentencePiece BPE and unigram): the tokenizer is learnt from the training part,
/// gives the text back exactly, never meets an unknown character, and travels in the checkpoint.
@Suite struct SubwordTextTests {
  static let shakespeare = try! String(
    contentsOf: WordTextTests.root.appendingPathComponent("fixtures/text/shakespeare.txt"), encoding: .utf8)
  /// A tokenizer learnt once from the first 100,000 characters (shared by the tests that only read it).
  static let codec = try! TextDomain(tokens: .bpe, vocabSize: 500).makeCodec(for: [
    chars(String(shakespeare.prefix(100_000)))
  ])

  static func chars(_ text: String, source: String = "f") -> SourceSequence<String> {
    SourceSequence(source: source, steps: text.unicodeScalars.map { String(Character($0)) })
  }

  /// The pieces give the text back exactly: spaces, tabs, blank lines, and characters the
  /// tokenizer never saw (as bytes); nothing is read as `<unk>`.
  @Test(arguments: ["bpe", "unigram"])
  func piecesGiveTheTextBack(kind: String) throws {
    let domain = TextDomain(tokens: TextDomain.Tokenization(rawValue: kind)!, vocabSize: 400)
    let codec = try domain.makeCodec(for: [Self.chars(String(Self.shakespeare.prefix(50_000)))])
    #expect(codec.vocabulary.count == 400)
    for text in [
      Self.shakespeare, "  two spaces\tand a tab\n\n\nthree lines ", "日本語 and é, ü — 🙂", "x", "▁",
    ] {
      let pieces = try domain.tokenized([Self.chars(text)], codec: codec)[0].steps
      #expect(codec.text(of: pieces) == (text == "▁" ? " " : text), "\(text.prefix(40))")
      #expect(pieces.allSatisfy { codec.contains($0) })
      #expect(pieces.reduce(0) { $0 + codec.characters(in: $1) } == (text.unicodeScalars.count))
      #expect(codec.unknownShare([SourceSequence(source: "t", steps: pieces)]) == 0)
    }
    // Frequent words are whole pieces; an unseen character is its UTF-8 bytes.
    #expect(try codec.subwordPieces(of: "日") == ["<0xE6>", "<0x97>", "<0xA5>"])
    #expect(codec.lineEnd == "<0x0A>")
  }

  /// A streamed sample waits for the last byte of a character drawn as bytes.
  @Test func streamingWaitsForAWholeCharacter() {
    let codec = Self.codec
    #expect(codec.text(of: ["<0xE6>", "<0x97>"], streaming: true) == nil)
    #expect(codec.text(of: ["<0xE6>", "<0x97>", "<0xA5>"], streaming: true) == "日")
    // A sample cut off inside a character ends before it; bytes that make no character read as U+FFFD.
    #expect(codec.text(of: ["▁the", "<0xE6>", "<0x97>"]) == " the")
    #expect(codec.text(of: ["<0x97>", "▁the"]) == "\u{FFFD} the")
    #expect(TextDomain().text(of: ["<0x0A>"], codec: codec) == "\n")
    #expect(codec.characters(in: "<0xE6>") == 1 && codec.characters(in: "<0x97>") == 0)
  }

  @Test func theTokenizerIsLearntFromTheTrainingPartOnly() throws {
    let domain = TextDomain(tokens: .bpe, vocabSize: 280)
    let train = Self.chars(String(repeating: "the cat sat on the mat\n", count: 50))
    let held = Self.chars(String(repeating: "zyxwvu qponm\n", count: 50))
    let codec = try domain.makeCodec(for: CorpusSplit(train: [train], validation: [held]))
    #expect(!codec.contains("z") && codec.contains("t"))
    let pieces = try domain.tokenized([held], codec: codec)[0].steps
    #expect(pieces.first == "<0x7A>")  // "z" as its byte
  }

  /// A vocabulary the text cannot fill, or too small for its characters and bytes, is one line
  /// naming the setting; SentencePiece's flag names never reach the user.
  @Test func impossibleVocabularySizesNameTheSetting() {
    let corpus = [Self.chars("the cat sat on the mat\n")]
    for (size, says) in [(100_000, "at most"), (50, "raise `vocabSize`")] {
      do {
        _ = try TextDomain(tokens: .bpe, vocabSize: size).makeCodec(for: corpus)
        Issue.record("vocabulary \(size) was accepted")
      } catch {
        #expect("\(error)".contains(says) && "\(error)".contains("\(size) pieces"), "\(error)")
        #expect(!"\(error)".contains("--") && !"\(error)".contains("\n"), "\(error)")
      }
    }
  }

  /// The codec carries the tokenizer through the manifest's JSON; a damaged tokenizer or a
  /// vocabulary that is not its pieces is a decoding error, not a crash.
  @Test func codecJSONCarriesTheTokenizer() throws {
    let codec = Self.codec
    let json = try JSONEncoder().encode(codec)
    let decoded = try JSONDecoder().decode(TextCodec.self, from: json)
    #expect(decoded == codec)
    #expect(try decoded.subwordPieces(of: "ROMEO: the king") == (try codec.subwordPieces(of: "ROMEO: the king")))
    var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    object["tokenizer"] = Data("not a model".utf8).base64EncodedString()
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(TextCodec.self, from: try JSONSerialization.data(withJSONObject: object))
    }
    object["tokenizer"] = codec.subword!.serialized.base64EncodedString()
    object["vocabulary"] = Array(codec.vocabulary.dropLast())
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(TextCodec.self, from: try JSONSerialization.data(withJSONObject: object))
    }
    object.removeValue(forKey: "tokenizer")
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(TextCodec.self, from: try JSONSerialization.data(withJSONObject: object))
    }
  }

  /// `tokenizer` reuses a model file: the run's pieces are the file's; a file that is not one
  /// is one line naming it.
  @Test func anExistingTokenizerIsReused() throws {
    let temporary = try TemporaryDirectory()
    defer { temporary.remove() }
    let file = temporary.at("tokenizer.model")
    try Self.codec.subword!.serialized.write(to: file)
    let codec = try TextDomain(tokens: .bpe, tokenizer: file).makeCodec(for: [Self.chars("anything at all")])
    #expect(codec.vocabulary == Self.codec.vocabulary)
    let garbage = temporary.at("garbage.model")
    try Data(repeating: 0xAB, count: 300).write(to: garbage)
    for bad in [garbage, temporary.at("missing.model")] {
      #expect(throws: TextError.self) {
        try TextDomain(tokens: .bpe, tokenizer: bad).makeCodec(for: [Self.chars("text")])
      }
      do { _ = try TextDomain(tokens: .bpe, tokenizer: bad).makeCodec(for: [Self.chars("text")]) } catch {
        #expect("\(error)".hasPrefix(bad.path + ": not a SentencePiece model"), "\(error)")
      }
    }
  }

  /// Primes are cut by the tokenizer; generation never draws `<unk>`; length counts characters.
  @Test func primeLengthAndMask() throws {
    let codec = Self.codec
    let domain = TextDomain(tokens: .bpe)
    let prime = try domain.prime(PrimeRequest(text: "ROMEO: 日"), codec: codec)
    #expect(codec.text(of: prime) == "ROMEO: 日")
    #expect(prime == (try codec.subwordPieces(of: "ROMEO: 日")) && prime.suffix(3) == ["<0xE6>", "<0x97>", "<0xA5>"])
    #expect(try domain.prime(PrimeRequest(), codec: codec) == ["<0x0A>"])
    #expect(domain.maskedSamples(codec: codec, options: TextGenerationOptions()) == [0])  // <unk>
    #expect(domain.lengthUnits(of: "▁the", codec: codec, options: TextGenerationOptions()) == 4)
    #expect(domain.lengthUnits(of: "▁the", codec: codec, options: TextGenerationOptions(tokens: 5)) == 1)
    #expect(domain.servedSettings(codec).map(\.name) == ["length", "tokens", "provenance", "stripPrime"])
    #expect(domain.stepUnit(of: codec) == "token")
    #expect(domain.summary(of: codec)?.hasPrefix("subwords: a SentencePiece bpe vocabulary of 500 pieces") == true)
    #expect(domain.runFiles(codec) == ["tokenizer.model": codec.subword!.serialized])
    let paragraph = TextCodec(
      tokens: .bpe, vocabulary: codec.vocabulary, resetAt: .paragraph, subword: codec.subword)
    #expect(domain.resetsState(before: "<0x0A>", after: "<0x0A>", codec: paragraph))
    #expect(!domain.resetsState(before: "<0x0A>", after: "▁the", codec: paragraph))
  }
}

/// A model trained by Python's sentencepiece (`scripts/make_sentencepiece_golden.py`) reads text
/// into the same pieces here: the tokenizer files are the standard ones both ways.
@Suite struct SentencePieceGoldenTests {
  struct Golden: Decodable {
    var version: String
    var cases: [Case]
    struct Case: Decodable {
      var text: String
      var ids: [Int]
    }
  }

  @Test func encodesAsPythonsSentencePiece() throws {
    let reference = WordTextTests.root.appendingPathComponent("fixtures/reference")
    let golden = try JSONDecoder().decode(
      Golden.self, from: Data(contentsOf: reference.appendingPathComponent("sentencepiece_golden.json")))
    let model = try SentencePieceModel(contentsOf: reference.appendingPathComponent("sentencepiece_bpe.model"))
    #expect(golden.cases.count >= 5)
    for c in golden.cases { #expect(try model.encode(c.text) == c.ids, "\(c.text)") }
  }
}

@Suite struct SubwordTextConformanceTests {
  @Test func passesTheSharedDomainChecks() throws {
    let temporary = try TemporaryDirectory()
    defer { temporary.remove() }
    let bad = temporary.at("bad-utf8.txt")
    try Data([0x61, 0x62, 0xFF, 0x63]).write(to: bad)
    let sample = temporary.at("sample.txt")
    try String(SubwordTextTests.shakespeare.prefix(20_000)).write(to: sample, atomically: true, encoding: .utf8)
    try DomainConformance.check(
      TextDomain(tokens: .bpe, vocabSize: 400), corpus: [sample], badFiles: [bad, temporary.at("missing.txt")])
  }
}
