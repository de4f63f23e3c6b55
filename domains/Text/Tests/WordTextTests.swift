import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import TextDomain

/// Word-level text: the tokenizer keeps every character, the vocabulary maps rare words to
/// `<unk>`, primes are cut into words, and losses are also given per character.
@Suite struct WordTextTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func piecesKeepCaseSpacesAndPunctuation() {
    let text = "Don't stop, ROMEO!\n  x = foo_bar(1.5)\t\n\nO'er  the sea…"
    #expect(
      WordTokenizer.pieces(text.unicodeScalars) == [
        "Don't", " stop", ",", " ROMEO", "!", "\n", " ", " x", " =", " foo_bar", "(", "1", ".", "5", ")", "\t", "\n",
        "\n", "O'er", " ", " the", " sea", "…",
      ])
  }

  /// Joining the pieces gives the text back exactly, on the bundled corpora and on edge cases
  /// (a trailing space, spaces before a line end, a lone apostrophe, combining marks, emoji).
  @Test func joiningThePiecesIsTheIdentity() throws {
    var texts = [
      "", " ", "a ", " \n", "end. \n", "'quoted' don'", "e\u{301}t\u{E9} 🙂🙂 x\r\ny", "tab\tsep  two", "\n\n\n",
    ]
    for name in ["text/shakespeare.txt", "text/ATTRIBUTION.md"] {
      let url = Self.root.appendingPathComponent("fixtures").appendingPathComponent(name)
      if let text = try? String(contentsOf: url, encoding: .utf8) { texts.append(text) }
    }
    #expect(texts.count >= 10)
    for text in texts {
      let pieces = WordTokenizer.pieces(text.unicodeScalars)
      #expect(pieces.joined() == text)
      #expect(!pieces.contains(""))
    }
  }

  @Test func aMarkNeverJoinsAWordSoUnkCannotBeWritten() {
    #expect(WordTokenizer.pieces("<unk> x".unicodeScalars) == ["<", "unk", ">", " x"])
  }

  func corpus(_ texts: String...) -> [SourceSequence<String>] {
    texts.enumerated().map { SourceSequence(source: "f\($0)", steps: WordTokenizer.pieces($1.unicodeScalars)) }
  }

  @Test func vocabularyKeepsFrequentWordsAndEndsInUnk() throws {
    let domain = TextDomain(tokens: .word, minCount: 2)
    let codec = try domain.makeCodec(for: corpus("the cat the dog the cat the. rare\n"))
    #expect(codec.vocabulary == [" the", " cat", "<unk>", " <unk>"])
    #expect(codec.vocabulary.suffix(2) == ["<unk>", " <unk>"])
    #expect(codec.vocabulary.first == " the")
    #expect(!codec.contains(" rare") && !codec.contains(" dog"))
    #expect(try codec.index(of: " rare") == codec.vocabulary.firstIndex(of: " <unk>"))
    #expect(try codec.index(of: "rare") == codec.vocabulary.firstIndex(of: "<unk>"))
    #expect(codec.unknownClasses.count == 2)
    let capped = try TextDomain(tokens: .word, maxVocab: 4).makeCodec(for: corpus("a b b c c c d d d d"))
    #expect(capped.vocabulary == [" d", " c", "<unk>", " <unk>"])
  }

  @Test func theVocabularyComesFromTheTrainingPartOnly() throws {
    let domain = TextDomain(tokens: .word)
    let split = CorpusSplit(train: corpus("seen words here"), validation: corpus("unseen words"))
    let codec = try domain.makeCodec(for: split)
    #expect(codec.contains(" words") && !codec.contains("unseen"))
    #expect(codec.unknownShare(split.validation) == 0)  // " words" is known; "unseen" is the first step, not predicted
    #expect(codec.unknownShare(corpus("x unseen words")) == 0.5)
    // A char model learns every character of both parts, so no held-out character is unknown.
    let chars = TextDomain()
    let charCodec = try chars.makeCodec(
      for: CorpusSplit(
        train: [SourceSequence(source: "a", steps: chars.pieces(of: "ab".unicodeScalars))],
        validation: [SourceSequence(source: "b", steps: chars.pieces(of: "cd".unicodeScalars))]))
    #expect(charCodec.vocabulary == ["a", "b", "c", "d"])
  }

  @Test func noWordAtMinCountIsAnError() {
    #expect(throws: TextError.vocabularyEmpty(minCount: 5)) {
      try TextDomain(tokens: .word, minCount: 5).makeCodec(for: corpus("one two three"))
    }
    #expect(TextError.vocabularyEmpty(minCount: 5).description.contains("`minCount`"))
  }

  @Test func aCorpusWithoutWordsIsRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let file = try dir.file("marks.txt", "... !!! ???\n--- ...\n")
    #expect(throws: TextError.noWords(file.path)) { try TextDomain(tokens: .word).read([file]) }
    #expect(try TextDomain().read([file]).count == 1)
  }

  @Test func wordCodecJSONRoundTripsAndOldRunsReadAsChar() throws {
    let codec = TextCodec(tokens: .word, vocabulary: [" the", "\n", "  ", "<unk>", " <unk>"], resetAt: .file)
    let decoded = try JSONDecoder().decode(TextCodec.self, from: try JSONEncoder().encode(codec))
    #expect(decoded == codec)
    let old = try JSONDecoder().decode(TextCodec.self, from: Data(#"{"vocabulary":["a","b"],"resetAt":"file"}"#.utf8))
    #expect(old.tokens == .char)
    for json in [
      #"{"tokens":"word","vocabulary":[" the","x"],"resetAt":"file"}"#,
      #"{"tokens":"word","vocabulary":["","<unk>"," <unk>"],"resetAt":"file"}"#,
      #"{"tokens":"sentence","vocabulary":["a"],"resetAt":"file"}"#,
    ] {
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(TextCodec.self, from: Data(json.utf8)) }
    }
  }

  /// The prime is cut into the model's words (never into characters); unknown words read as
  /// `<unk>` with a notice, even a prime made only of them.
  @Test func primeIsCutIntoWords() throws {
    let codec = TextCodec(
      tokens: .word, vocabulary: ["ROMEO", ":", " the", " king", "<unk>", " <unk>"], resetAt: .file)
    let domain = TextDomain(tokens: .word)
    #expect(try domain.prime(PrimeRequest(text: "ROMEO: the king"), codec: codec) == ["ROMEO", ":", " the", " king"])
    let unknown = try domain.prime(PrimeRequest(text: "Zanzibar Xanadu"), codec: codec)
    #expect(unknown == ["Zanzibar", " Xanadu"])
    #expect(try unknown.map { try domain.input($0, codec: codec) } == [.index(4), .index(5)])
  }

  /// An unknown word is charged its spelling at the training text's character frequencies; a
  /// character never seen costs one of all Unicode scalars.
  @Test func unknownWordsAreChargedTheirSpelling() throws {
    let codec = try TextDomain(tokens: .word).makeCodec(for: corpus("aab"))
    #expect(abs(codec.spelling["a"]! - log2(1.5)) < 1e-12 && abs(codec.spelling["b"]! - log2(3)) < 1e-12)
    let text = corpus("aab ba")  // predicts " ba", unknown: " " unseen, "b", "a"
    let expected = TextCodec.unseenCharacterBits + log2(3) + log2(1.5)
    #expect(abs(codec.unknownSpellingBits(text) - expected) < 1e-9)
    #expect(codec.unknownSpellingBits(corpus("aab aab")) == 0 || !codec.contains(" aab"))
    let decoded = try JSONDecoder().decode(TextCodec.self, from: try JSONEncoder().encode(codec))
    #expect(decoded.spelling == codec.spelling)
    let negative = #"{"tokens":"word","vocabulary":["a","<unk>"," <unk>"],"resetAt":"file","spelling":{"a":-1}}"#
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(TextCodec.self, from: Data(negative.utf8)) }
  }

  @Test func lossPerCharacterCountsThePredictedPieces() throws {
    let domain = TextDomain(tokens: .word)
    let sequences = corpus("ab cd efg")  // pieces "ab", " cd", " efg": predicted " cd", " efg" = 7 chars
    let codec = try domain.makeCodec(for: sequences)
    let unit = try #require(domain.lossUnit(for: sequences, codec: codec))
    #expect(unit.name == "char")
    #expect(abs(unit.stepsPerUnit - 2.0 / 7.0) < 1e-12)
    #expect(TextDomain().lossUnit(for: sequences, codec: TextCodec(vocabulary: ["a"], resetAt: .file)) == nil)
    #expect(domain.stepUnit(of: codec) == "token")
    let options = TextGenerationOptions(length: 10)
    #expect(domain.lengthUnits(of: " efg", codec: codec, options: options) == 4)
    #expect(domain.lengthUnits(of: " efg", codec: codec, options: TextGenerationOptions(tokens: 3)) == 1)
    #expect(domain.maskedSamples(codec: codec, options: options).isEmpty)
    #expect(domain.servedSettings(codec).map(\.name) == ["length", "tokens", "banUnknown", "provenance", "stripPrime"])
    #expect(
      TextDomain().servedSettings(TextCodec(vocabulary: ["a"], resetAt: .file)).map(\.name) == [
        "length", "skipUnknown", "provenance", "stripPrime",
      ])
    #expect(
      domain.maskedSamples(codec: codec, options: TextGenerationOptions(banUnknown: true)) == codec.unknownClasses)
  }
}

@Suite struct WordTextConformanceTests {
  @Test func passesTheSharedDomainChecks() throws {
    let temporary = try TemporaryDirectory()
    defer { temporary.remove() }
    let dir = temporary.url
    let bad = dir.appendingPathComponent("bad-utf8.txt")
    try Data([0x61, 0x62, 0xFF, 0x63]).write(to: bad)
    let sample = dir.appendingPathComponent("sample.txt")
    let text = try String(
      contentsOf: WordTextTests.root.appendingPathComponent("fixtures/text/shakespeare.txt"), encoding: .utf8)
    try String(text.prefix(6000)).write(to: sample, atomically: true, encoding: .utf8)
    try DomainConformance.check(
      TextDomain(tokens: .word), corpus: [sample], badFiles: [bad, dir.appendingPathComponent("missing.txt")])
  }
}
