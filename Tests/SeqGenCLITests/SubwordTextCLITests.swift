import Foundation
import Testing

/// `seqgen train text --tokens bpe` end to end: the tokenizer learnt and kept in the run, the
/// loss per token and per character, generation, evaluation on text with unseen characters,
/// resume, reuse of a tokenizer file, and the bad inputs.
@Suite struct SubwordTextCLITests {
  func trainBPE(_ box: Sandbox, run: String = "run", steps: Int = 6, extra: [String] = []) throws -> CLIResult {
    let result = try CLI.run(
      [
        "train", "text", "--tokens", "bpe", "--data", try box.corpus(), "--out", box.path(run), "--steps", "\(steps)",
      ] + (extra.contains("--tokenizer") ? [] : ["--vocab-size", "280"]) + tiny + extra)
    try #require(result.succeeded, "training failed: \(result)")
    return result
  }

  @Test func trainsGeneratesAndEvaluates() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try trainBPE(box)
    #expect(result.stdout.contains("tokenizer: SentencePiece bpe, 280 pieces, learnt from the training text"))
    #expect(result.stdout.contains("bits/token = ") && result.stdout.contains(" bits/char"), "\(result.stdout)")
    #expect(result.stdout.contains("per token (a subword piece)"), "\(result.stdout)")
    // The run keeps the standard model file, the same bytes its manifest carries.
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.path("run/manifest.json"))))
        as? [String: Any])
    let codec = try #require(manifest["codec"] as? [String: Any])
    #expect(codec["tokens"] as? String == "bpe")
    let model = try Data(contentsOf: URL(fileURLWithPath: box.path("run/tokenizer.model")))
    #expect(Data(base64Encoded: try #require(codec["tokenizer"] as? String)) == model)

    let inspect = try CLI.run(["inspect", box.path("run")])
    #expect(inspect.stdout.contains("codec        subwords: a SentencePiece bpe vocabulary of 280"), "\(inspect)")

    let sample = try CLI.run(["generate", box.path("run"), "--prime", "the 日", "--length", "60", "--seed", "3"])
    #expect(sample.succeeded, "\(sample)")
    #expect(sample.stdout.hasPrefix("the 日"), "\(sample.stdout)")
    #expect((60..<80).contains(sample.stdout.unicodeScalars.count), "\(sample.stdout.unicodeScalars.count)")
    let tokens = try CLI.run(["generate", box.path("run"), "--tokens", "4", "--seed", "3", "--out", box.path("s.txt")])
    #expect(tokens.succeeded, "\(tokens)")

    let eval = try CLI.run(["eval", box.path("run"), "--data", try box.write("other.txt", "the zebra café sat\n")])
    #expect(eval.succeeded, "\(eval)")
    #expect(eval.stdout.contains("bits/token = ") && eval.stdout.contains("bits/char"), "\(eval.stdout)")
    #expect(!eval.stdout.contains("<unk>"), "\(eval.stdout)")
  }

  /// A resumed run reads its files as it started (the same split, the same pieces) and goes on.
  @Test func resumes() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try trainBPE(box, steps: 3)
    let resumed = try CLI.run(
      ["train", "text", "--data", try box.corpus(), "--out", box.path("run"), "--resume", "--steps", "6"] + tiny)
    #expect(resumed.succeeded, "\(resumed)")
    #expect(resumed.stdout.contains("step 6/6"), "\(resumed.stdout)")
  }

  /// A setting the run's codec fixed, given on resume with another value, is one line; given
  /// with the run's own value it is accepted.
  @Test func resumeRefusesAnotherTokenizerSetting() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try trainBPE(box, steps: 3)
    let resume = ["train", "text", "--data", try box.corpus(), "--out", box.path("run"), "--resume"] + tiny
    for (flags, mention) in [
      (["--tokens", "char"], "--tokens"), (["--tokens", "bpe", "--vocab-size", "300"], "--vocab-size"),
      (["--vocab-size", "300"], "--vocab-size"),
      (["--reset-at", "paragraph"], "--reset-at"),
      (["--tokens", "bpe", "--tokenizer", box.path("run/tokenizer.model")], "--tokenizer"),
    ] {
      let refused = try CLI.run(resume + ["--steps", "6"] + flags)
      expectCleanFailure(refused, mentions: [mention, "fixed by the run"])
    }
    let same = try CLI.run(resume + ["--steps", "6", "--tokens", "bpe", "--vocab-size", "280", "--reset-at", "file"])
    #expect(same.succeeded, "\(same)")
  }

  /// `--tokenizer` reads text with another run's model: the same pieces, no new tokenizer.
  @Test func reusesATokenizerFile() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try trainBPE(box, steps: 1)
    let result = try trainBPE(box, run: "again", steps: 1, extra: ["--tokenizer", box.path("run/tokenizer.model")])
    #expect(result.stdout.contains("280 pieces, from \(box.path("run/tokenizer.model"))"), "\(result.stdout)")
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: box.path("again/tokenizer.model")))
        == Data(contentsOf: URL(fileURLWithPath: box.path("run/tokenizer.model"))))
  }

  @Test(arguments: [
    (["--tokens", "bpe", "--vocab-size", "100000"], ["--vocab-size", "at most"]),
    (["--tokens", "bpe", "--vocab-size", "50"], ["--vocab-size", "raise"]),
    (["--tokens", "unigram", "--vocab-size", "0"], ["--vocab-size"]),
    (["--vocab-size", "500"], ["--tokens bpe"]),
    (["--tokens", "word", "--tokenizer", "x.model"], ["--tokens bpe"]),
    (["--tokens", "bpe", "--tokenizer", "/nonexistent/t.model"], ["/nonexistent/t.model", "SentencePiece"]),
    (["--tokens", "bpe", "--tokenizer", "x.model", "--vocab-size", "300"], ["--vocab-size"]),
  ])
  func badSettingsAreOneLine(flags: [String], mentions: [String]) throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try CLI.run(
      ["train", "text", "--data", try box.corpus(), "--out", box.path("run"), "--steps", "2"] + tiny + flags)
    expectCleanFailure(result, mentions: mentions)
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test func aCorruptTokenizerFileIsOneLine() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let bad = try box.write("bad.model", String(repeating: "not a model ", count: 50))
    let result = try CLI.run(
      ["train", "text", "--tokens", "bpe", "--tokenizer", bad, "--data", try box.corpus(), "--out", box.path("run")]
        + tiny)
    expectCleanFailure(result, mentions: [bad, "not a SentencePiece model"])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }
}
