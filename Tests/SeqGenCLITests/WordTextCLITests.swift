import Foundation
import Testing

/// `seqgen train text --tokens word` end to end: the loss in bits per token and per character,
/// generation by characters or tokens, `<unk>` banned on request, and the bad inputs.
@Suite struct WordTextCLITests {
  /// The sandbox corpus plus 60 words seen once, so `--min-count 2` makes `<unk>` common.
  func corpusWithRareWords(_ box: Sandbox) throws -> String {
    let common = try String(contentsOfFile: try box.corpus(), encoding: .utf8)
    let rare = (0..<60).map { "w\($0)x" }.joined(separator: " ")
    return try box.write("words.txt", common + rare + "\n" + common)
  }

  func trainWords(_ box: Sandbox, extra: [String] = []) throws -> CLIResult {
    let result = try CLI.run(
      [
        "train", "text", "--tokens", "word", "--data", try corpusWithRareWords(box), "--out", box.path("run"),
        "--steps", "6", "--min-count", "2",
      ] + tiny + extra)
    try #require(result.succeeded, "training failed: \(result)")
    return result
  }

  @Test func trainsAndReportsBitsPerTokenAndPerCharacter() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try trainWords(box, extra: ["--log-every", "3"])
    #expect(result.stdout.contains("tied input table of 8"), "\(result.stdout)")
    #expect(result.stdout.contains("vocabulary: 26 tokens"), "\(result.stdout)")
    #expect(result.stdout.contains("bits/token = "), "\(result.stdout)")
    #expect(result.stdout.contains(" bits/char"), "\(result.stdout)")
    #expect(result.stdout.contains("perplexity"), "\(result.stdout)")
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.path("run/manifest.json"))))
        as? [String: Any])
    #expect((manifest["codec"] as? [String: Any])?["tokens"] as? String == "word")
    let model = try #require(manifest["model"] as? [String: Any])
    #expect((model["embedding"] as? [String: Any])?["tied"] as? Bool == true)

    let inspect = try CLI.run(["inspect", box.path("run")])
    #expect(inspect.stdout.contains("codec        words: a vocabulary of 26"), "\(inspect.stdout)")
    #expect(inspect.stdout.contains("a table of 8 over 26 classes (the decoder's weight too)"), "\(inspect.stdout)")
    #expect(inspect.stdout.contains("bits per token"), "\(inspect.stdout)")

    let eval = try CLI.run(["eval", box.path("run"), "--data", try box.write("other.txt", "the cat met a zebra\n")])
    #expect(eval.succeeded, "\(eval)")
    #expect(eval.stdout.contains("bits/token = ") && eval.stdout.contains("bits/char"), "\(eval.stdout)")
    #expect(eval.stdout.contains("40.0% of tokens were <unk>"), "\(eval.stdout)")  // " met", " zebra" of 5
    #expect(eval.stdout.contains("bits/char with every <unk> also spelled out"), "\(eval.stdout)")
  }

  /// Without flags a word run takes the word recipe: a tied 2×256 and words seen twice.
  @Test func wordRunsTakeTheWordRecipe() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try CLI.run([
      "train", "text", "--tokens", "word", "--data", try corpusWithRareWords(box), "--out", box.path("run"),
      "--steps", "1", "--batch-size", "2", "--seq-length", "8",
    ])
    try #require(result.succeeded, "\(result)")
    #expect(result.stdout.contains("2×256 LSTM, tied input table of 256"), "\(result.stdout)")
    #expect(result.stdout.contains("vocabulary: 26 tokens"), "\(result.stdout)")
  }

  @Test func lengthCountsCharactersTokensCountSteps() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try trainWords(box)
    let chars = try CLI.run(["generate", box.path("run"), "--length", "80", "--seed", "2", "--ban-unk"])
    #expect(chars.succeeded, "\(chars)")
    // It stops at the first piece that reaches 80 characters; no piece here is longer than 9.
    #expect((80..<90).contains(chars.stdout.unicodeScalars.count), "\(chars.stdout.unicodeScalars.count)")
    let tokens = try CLI.run(["generate", box.path("run"), "--tokens", "3", "--seed", "2", "--ban-unk"])
    #expect(tokens.succeeded, "\(tokens)")
    #expect((3..<30).contains(tokens.stdout.unicodeScalars.count), "\(tokens.stdout)")
  }

  @Test func banUnkNeverWritesUnk() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try trainWords(box)
    let args = ["generate", box.path("run"), "--length", "3000", "--seed", "5", "--temperature", "3"]
    let free = try CLI.run(args)
    #expect(free.succeeded && free.stdout.contains("<unk>"), "\(free)")
    let banned = try CLI.run(args + ["--ban-unk"])
    #expect(banned.succeeded && !banned.stdout.contains("<unk>"), "\(banned)")
  }

  @Test func aPrimeOfUnknownWordsWorksWithANotice() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try trainWords(box)
    let result = try CLI.run(["generate", box.path("run"), "--prime", "Zanzibar Xanadu", "--length", "30"])
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.hasPrefix("Zanzibar Xanadu"), "\(result.stdout)")
    #expect(result.stderr.contains("2 of 2 prime tokens are not in the model's vocabulary"), "\(result.stderr)")
  }

  @Test(arguments: [
    (["--tokens", "word", "--tie-weights", "--embedding-size", "4"], "--embedding-size"),
    (["--tokens", "word", "--min-count", "0"], "--min-count"),
    (["--tokens", "word", "--max-vocab", "2"], "--max-vocab"),
    (["--tokens", "word", "--min-count", "1000"], "--min-count"),
    (["--min-count", "2"], "--tokens word"),
    (["--tokens", "sentence"], "--tokens"),
    (["--embedding-size", "0"], "--embedding-size"),
  ])
  func badSettingsAreOneLine(flags: [String], mention: String) throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try CLI.run(
      ["train", "text", "--data", try box.corpus(), "--out", box.path("run"), "--steps", "2"] + tiny + flags)
    expectCleanFailure(result, mentions: [mention])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test func aCorpusWithoutWordsIsOneLine() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let marks = try box.write("marks.txt", String(repeating: "... !!! ???\n", count: 40))
    let result = try CLI.run(["train", "text", "--tokens", "word", "--data", marks, "--out", box.path("run")] + tiny)
    expectCleanFailure(result, mentions: ["no words", marks])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  /// A handwriting run's steps are dense rows: an input table is refused in one line.
  @Test func anEmbeddingOnDenseInputIsRefused() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let result = try CLI.run(
      [
        "train", "handwriting", "--data", root.appendingPathComponent("fixtures/handwriting").path, "--out",
        box.path("run"), "--steps", "2", "--embedding-size", "8",
      ] + tiny)
    expectCleanFailure(result, mentions: ["--embedding-size", "dense"])
  }
}
