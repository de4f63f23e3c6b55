import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import TextDomain

private typealias TempDir = TemporaryDirectory

extension TemporaryDirectory {
  /// The path of `file` relative to this directory.
  fileprivate func relative(_ file: URL) -> String {
    String(file.standardizedFileURL.path.dropFirst(url.standardizedFileURL.path.count + 1))
  }
}

private func scalars(_ s: String) -> [String] { s.unicodeScalars.map { String(Character($0)) } }

@Suite struct TextDomainTests {
  // MARK: Reading files

  @Test func readingAFileGivesItsUnicodeScalars() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let text = "héllo, wörld\n日本 🙂\n"
    let file = try dir.file("a.txt", text)
    #expect(try TextReader.scalars(of: file) == Array(text.unicodeScalars))
    let sequences = try TextDomain().read([file])
    #expect(sequences.count == 1)
    #expect(sequences[0].steps == scalars(text))
    #expect(sequences[0].source == file.path)
  }

  @Test func aFileIsReadWhateverItsExtension() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file("data.csv", "a,b\n")
    #expect(try TextReader.files(at: file, extensions: ["txt"]) == [file])
    #expect(try TextDomain(extensions: ["txt"]).read([file]).map(\.steps) == [scalars("a,b\n")])
  }

  /// A directory gives every file that is UTF-8 text, source code included, recursively and
  /// sorted; binary files and other encodings are skipped and counted, hidden files left out.
  @Test func directoriesGiveEveryUTF8TextFileAndSkipTheRest() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file("z.txt", "zz")
    try dir.file("b/notes.md", "mm")
    try dir.file("a/code.py", "def f():\n")
    try dir.file("a/upper.TXT", "uu")
    try dir.file("readme", "rr")
    try dir.file(".hidden.txt", "no")
    try dir.file("a/image.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
    try dir.file("a/latin1.txt", [0x63, 0x61, 0x66, 0xE9])
    let (texts, skipped) = try TextReader.corpus(at: dir.url, extensions: nil)
    #expect(texts.map { dir.relative($0.file) } == ["a/code.py", "a/upper.TXT", "b/notes.md", "readme", "z.txt"])
    #expect(skipped.map { dir.relative(URL(fileURLWithPath: $0)) } == ["a/image.png", "a/latin1.txt"])
    #expect(try TextDomain().read([dir.url]).count == 5)
  }

  /// `extensions` narrows a directory to those files, which must then be UTF-8.
  @Test func extensionsNarrowADirectory() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file("a/code.py", "def f():\n")
    try dir.file("a/notes.md", "mm")
    try dir.file("b/deep/more.PY", "x = 1\n")
    try dir.file("a/latin1.txt", [0x63, 0x61, 0x66, 0xE9])
    let sequences = try TextDomain(extensions: ["py"]).read([dir.url])
    #expect(sequences.map { dir.relative(URL(fileURLWithPath: $0.source)) } == ["a/code.py", "b/deep/more.PY"])
    #expect(throws: TextError.invalidUTF8(path: dir.at("a/latin1.txt").path, offset: 3)) {
      try TextDomain(extensions: ["txt"]).read([dir.url])
    }
  }

  @Test func aDirectoryWithoutTextFilesSaysWhatWasSkipped() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file("sub/a.bin", [0, 1, 2, 3])
    try dir.file("b.dat", [0xFF, 0xFE, 0])
    let error = #expect(throws: TextError.self) { try TextDomain().read([dir.url]) }
    #expect(error == .noText(path: dir.url.path, skipped: 2))
    #expect(
      error?.description.hasPrefix(dir.url.path) == true && error?.description.contains("2 files skipped") == true)
    let narrowed = #expect(throws: TextError.self) { try TextDomain(extensions: ["txt"]).read([dir.url]) }
    #expect(narrowed?.description.contains("no text files (.txt)") == true, "\(String(describing: narrowed))")
  }

  /// A folder of many files holds out whole files; one file (or a few) its tail; a run saved
  /// before the choice of files existed resumes reading the files it read.
  @Test func validationAndResumeFollowHowTheCorpusWasRead() throws {
    let many = (0..<12).map { SourceSequence(source: "f\($0)", steps: scalars("ab")) }
    #expect(TextDomain().validationSplit(for: many) == .files)
    #expect(TextDomain().validationSplit(for: Array(many.prefix(3))) == .tail)
    let old = try JSONDecoder().decode(TextCodec.self, from: Data(#"{"vocabulary": ["a"], "resetAt": "file"}"#.utf8))
    #expect(TextDomain().configured(for: old).extensions == ["txt", "text", "md"])
    let any = TextCodec(vocabulary: scalars("a"), resetAt: .file)
    #expect(TextDomain(extensions: ["py"]).configured(for: any).extensions == nil)
    let some = TextCodec(vocabulary: scalars("a"), resetAt: .file, extensions: ["md", "py"])
    #expect(try JSONDecoder().decode(TextCodec.self, from: JSONEncoder().encode(some)) == some)
    #expect(TextDomain().configured(for: some).extensions == ["md", "py"])
  }

  @Test func aMissingPathThrows() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let missing = dir.url.appendingPathComponent("nope.txt")
    #expect(throws: TextError.unreadable(path: missing.path, reason: "no such file or directory")) {
      try TextDomain().read([missing])
    }
  }

  @Test func invalidUTF8ReportsTheByteOffset() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let good = Array("ab\u{e9}".utf8)  // 61 62 C3 A9: four bytes
    #expect(good.count == 4)
    let lone = try dir.file("lone.txt", good + [0xFF] + Array("tail".utf8))
    #expect(throws: TextError.invalidUTF8(path: lone.path, offset: 4)) { try TextReader.scalars(of: lone) }
    #expect(throws: TextError.invalidUTF8(path: lone.path, offset: 4)) { try TextDomain().read([lone]) }

    // The offset counts from the start of the file, a byte-order mark included.
    let bom = try dir.file("bom.txt", [0xEF, 0xBB, 0xBF] + good + [0xFF])
    #expect(throws: TextError.invalidUTF8(path: bom.path, offset: 7)) { try TextReader.scalars(of: bom) }

    // A sequence cut short at the end of the file, and a lead byte followed by ASCII.
    let cut = try dir.file("cut.txt", Array("abc".utf8) + [0xE2, 0x82])
    #expect(throws: TextError.invalidUTF8(path: cut.path, offset: 3)) { try TextReader.scalars(of: cut) }
    let broken = try dir.file("broken.txt", Array("\u{e9}\u{e9}".utf8) + [0xC3, 0x41])
    #expect(throws: TextError.invalidUTF8(path: broken.path, offset: 4)) { try TextReader.scalars(of: broken) }

    #expect(TextError.invalidUTF8(path: "/x.txt", offset: 4).description == "/x.txt: invalid UTF-8 at byte offset 4")
  }

  @Test func aLeadingByteOrderMarkIsDropped() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file("bom.txt", [0xEF, 0xBB, 0xBF] + Array("hi\u{FEFF}!".utf8))
    // Only the leading mark goes; one inside the text is a character like any other.
    #expect(try TextReader.scalars(of: file) == Array("hi\u{FEFF}!".unicodeScalars))
  }

  @Test func anEmptyCorpusThrows() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let empty = try dir.file("empty.txt", "")
    let bomOnly = try dir.file("bom.txt", [0xEF, 0xBB, 0xBF])
    let oneChar = try dir.file("one.md", "x")
    #expect(throws: TextError.emptyCorpus(empty.path)) { try TextDomain().read([empty]) }
    #expect(throws: TextError.emptyCorpus(dir.url.path)) { try TextDomain().read([dir.url]) }
    #expect(throws: TextError.emptyCorpus("\(bomOnly.path), \(oneChar.path)")) {
      try TextDomain().read([bomOnly, oneChar])
    }
  }

  @Test func emptyFilesAreSkippedWhenOthersHaveText() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file("a.txt", "")
    try dir.file("b.txt", "bb")
    let sequences = try TextDomain().read([dir.url])
    #expect(sequences.map(\.steps) == [scalars("bb")])
  }

  // MARK: Codec

  @Test func vocabularyIsSortedByCodePoint() throws {
    let corpus = [
      SourceSequence(source: "a", steps: scalars("zebra É\n")),
      SourceSequence(source: "b", steps: scalars("🙂Abz")),
    ]
    let codec = try TextDomain(resetAt: .paragraph).makeCodec(for: corpus)
    let codePoints = codec.vocabulary.map { $0.unicodeScalars.first!.value }
    #expect(codec.vocabulary == scalars("\n \u{41}\u{61}berz\u{C9}🙂"))
    #expect(codePoints == codePoints.sorted())
    #expect(Set(codec.vocabulary).count == codec.vocabulary.count)
    #expect(codec.resetAt == .paragraph)
  }

  @Test(arguments: TextDomain.ResetPolicy.allCases)
  func codecJSONRoundTrips(resetAt: TextDomain.ResetPolicy) throws {
    let codec = TextCodec(vocabulary: scalars("\u{0}\t\n \"\\aé日🙂"), resetAt: resetAt)
    let data = try JSONEncoder().encode(codec)
    let decoded = try JSONDecoder().decode(TextCodec.self, from: data)
    #expect(decoded == codec)
    #expect(decoded.vocabulary == codec.vocabulary)
    #expect(decoded.resetAt == resetAt)
    for (k, s) in codec.vocabulary.enumerated() { #expect(try decoded.index(of: s) == k) }
  }

  @Test(arguments: [
    #"{"vocabulary":["a","a"],"resetAt":"file"}"#,
    #"{"vocabulary":["a","bc"],"resetAt":"file"}"#,
    #"{"vocabulary":["a","e\u0301"],"resetAt":"file"}"#,
    #"{"vocabulary":["a",""],"resetAt":"file"}"#,
    #"{"vocabulary":[],"resetAt":"file"}"#,
    #"{"vocabulary":["a"],"resetAt":"sentence"}"#,
    #"{"vocabulary":["a"]}"#,
    #"{"resetAt":"file"}"#,
    #"{"vocabulary":[1,2],"resetAt":"file"}"#,
  ])
  func corruptCodecJSONFailsToDecode(json: String) {
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(TextCodec.self, from: Data(json.utf8)) }
  }

  @Test func indexOfAnUnknownCharacterThrows() {
    let codec = TextCodec(vocabulary: scalars("ab"), resetAt: .file)
    #expect(throws: TextError.notInVocabulary("c")) { try codec.index(of: "c") }
    #expect(throws: TextError.notInVocabulary("c")) { try TextDomain().input("c", codec: codec) }
    #expect(throws: TextError.notInVocabulary("c")) { try TextDomain().target("c", codec: codec) }
  }

  // MARK: State resets

  @Test func paragraphResetsExactlyAtABlankLine() {
    let domain = TextDomain(resetAt: .paragraph)
    let codec = TextCodec(vocabulary: scalars("\n\r a"), resetAt: .paragraph)
    let all = scalars("\n\r a")
    for previous in all {
      for step in all {
        let expected = step == "\n" && previous == "\n"
        #expect(
          domain.resetsState(before: step, after: previous, codec: codec) == expected,
          "\(previous.debugDescription) → \(step.debugDescription)")
      }
    }
  }

  @Test func fileResetPolicyNeverResetsInsideAFile() {
    let codec = TextCodec(vocabulary: scalars("\n\r a"), resetAt: .file)
    let all = scalars("\n\r a")
    for previous in all {
      for step in all {
        // The codec's policy decides, whatever the domain value that asks.
        #expect(!TextDomain(resetAt: .file).resetsState(before: step, after: previous, codec: codec))
        #expect(!TextDomain(resetAt: .paragraph).resetsState(before: step, after: previous, codec: codec))
      }
    }
  }

  // MARK: Prime

  @Test func primeKeepsKnownCharacters() throws {
    let codec = TextCodec(vocabulary: scalars("\n abc"), resetAt: .file)
    #expect(try TextDomain().prime(PrimeRequest(text: "ab c"), codec: codec) == scalars("ab c"))
  }

  @Test func primeWithAnUnknownCharacterThrowsNamingIt() throws {
    let codec = TextCodec(vocabulary: scalars("\n abc"), resetAt: .file)
    let error = #expect(throws: TextError.unknownPrimeCharacter(origin: "`prime`", piece: "Z")) {
      try TextDomain().prime(PrimeRequest(text: "abZc"), codec: codec)
    }
    let message = try #require(error).description
    #expect(message.contains("'Z'"))
    #expect(message.contains("U+005A"))
    #expect(message.contains("`skipUnknown`"))
    // Invisible characters are named by code point.
    #expect(TextError.unknownPrimeCharacter(origin: "`prime`", piece: "\t").description.contains("U+0009"))
  }

  @Test func primeFromAFileNamesTheFile() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file("prime.txt", [0xEF, 0xBB, 0xBF] + Array("ba€".utf8))
    let codec = TextCodec(vocabulary: scalars("\n abc"), resetAt: .file)
    #expect(throws: TextError.unknownPrimeCharacter(origin: file.path, piece: "€")) {
      try TextDomain().prime(PrimeRequest(file: file), codec: codec)
    }
    #expect(try TextDomain().prime(PrimeRequest(file: file, skipUnknown: true), codec: codec) == scalars("ba"))
  }

  @Test func skipUnknownDropsUnknownCharacters() throws {
    let codec = TextCodec(vocabulary: scalars("\n abc"), resetAt: .file)
    #expect(try TextDomain().prime(PrimeRequest(text: "aZbQ c", skipUnknown: true), codec: codec) == scalars("ab c"))
    // Nothing left: the default start.
    #expect(try TextDomain().prime(PrimeRequest(text: "ZZ", skipUnknown: true), codec: codec) == ["\n"])
  }

  @Test func emptyPrimeStartsFromANewlineWhenTheVocabularyHasOne() throws {
    let withNewline = TextCodec(vocabulary: scalars("\n ab"), resetAt: .file)
    #expect(try TextDomain().prime(PrimeRequest(), codec: withNewline) == ["\n"])
    #expect(try TextDomain().prime(PrimeRequest(text: ""), codec: withNewline) == ["\n"])
    let without = TextCodec(vocabulary: scalars(" ab"), resetAt: .file)
    #expect(try TextDomain().prime(PrimeRequest(), codec: without) == [" "])
  }

  // MARK: Writing samples

  @Test func oneSampleIsWrittenWithoutAHeader() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let out = dir.url.appendingPathComponent("one.txt")
    let codec = TextCodec(vocabulary: scalars("\nab日"), resetAt: .file)
    try TextDomain().write([scalars("ab\n日a")], codec: codec, to: out)
    #expect(try String(contentsOf: out, encoding: .utf8) == "ab\n日a")
  }

  @Test func severalSamplesAreWrittenWithNumberedHeaders() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let out = dir.url.appendingPathComponent("three.txt")
    let codec = TextCodec(vocabulary: scalars("abc"), resetAt: .file)
    try TextDomain().write([scalars("aa"), scalars("bb"), scalars("cc")], codec: codec, to: out)
    let text = try String(contentsOf: out, encoding: .utf8)
    #expect(text == "=== sample 1 of 3 ===\naa\n\n=== sample 2 of 3 ===\nbb\n\n=== sample 3 of 3 ===\ncc\n")
    #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("=== sample") }.count == 3)
    // Nothing else is left in the folder (the write is atomic: no temporary file remains).
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["three.txt"])
  }

  @Test func streamedStepsAreTheCharacters() {
    let codec = TextCodec(vocabulary: scalars("\na日"), resetAt: .file)
    #expect(codec.vocabulary.map { TextDomain().streamed($0, codec: codec) } == ["\n", "a", "日"])
  }

  // MARK: Domain conformance

  @Test(arguments: TextDomain.ResetPolicy.allCases)
  func everyStepEncodesAndDecodesToItself(resetAt: TextDomain.ResetPolicy) throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file("one.txt", "First line.\n\nSecond paragraph: é, 日本, 🙂!\n")
    try dir.file("two/two.md", "# Title\n\n\tTabbed \"quotes\" \\ back\r\n")
    let domain = TextDomain(resetAt: resetAt)
    let corpus = try domain.read([dir.url])
    #expect(corpus.count == 2)
    let codec = try domain.makeCodec(for: corpus)
    let classes = codec.vocabulary.count
    #expect(domain.inputKind(codec) == .categorical(classes: classes))
    #expect(domain.makeHead(codec).outputSize == classes)
    for sequence in corpus {
      for step in sequence.steps {
        let input = try domain.input(step, codec: codec)
        let target = try domain.target(step, codec: codec)
        #expect(input == .index(target))
        #expect((0..<classes).contains(target))
        #expect(domain.step(from: target, codec: codec) == step)
      }
    }
    for k in 0..<classes { #expect(try domain.target(domain.step(from: k, codec: codec), codec: codec) == k) }

    // The codec survives the manifest's JSON and still encodes every step the same way.
    let decoded = try JSONDecoder().decode(TextCodec.self, from: JSONEncoder().encode(codec))
    for step in corpus.flatMap(\.steps) {
      #expect(try domain.target(step, codec: decoded) == domain.target(step, codec: codec))
    }

    // The engine's encoding agrees: n − 1 pairs per file, a reset at each file start.
    let encoded = try EncodedCorpus<Int>(corpus, domain: domain, codec: codec)
    #expect(encoded.count == corpus.map { $0.steps.count - 1 }.reduce(0, +))
    let expectedResets = corpus.flatMap { s in
      (0..<(s.steps.count - 1)).map { i in
        i == 0 || (resetAt == .paragraph && s.steps[i] == "\n" && s.steps[i - 1] == "\n")
      }
    }
    #expect(encoded.resets == expectedResets)
    #expect(encoded.resets.filter { $0 }.count == (resetAt == .paragraph ? 4 : 2))
  }
}

@Suite struct TextDomainConformanceTests {
  @Test func passesTheSharedDomainChecks() throws {
    let temporary = try TemporaryDirectory()
    defer { temporary.remove() }
    let dir = temporary.url
    let bad = dir.appendingPathComponent("bad-utf8.txt")
    try Data([0x61, 0x62, 0xFF, 0x63]).write(to: bad)
    let missing = dir.appendingPathComponent("missing.txt")
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let sample = dir.appendingPathComponent("sample.txt")
    let text = try String(contentsOf: root.appendingPathComponent("fixtures/text/shakespeare.txt"), encoding: .utf8)
    try String(text.prefix(3000)).write(to: sample, atomically: true, encoding: .utf8)
    try DomainConformance.check(TextDomain(), corpus: [sample], badFiles: [bad, missing])
  }
}
