import Foundation
import SeqGenEngine
import Testing

@testable import HandwritingDomain

/// The `seqgen` binary built beside the test bundle (`swift build --build-tests` builds it), or nil;
/// the suite fails, not skips, without it.
private let seqgen: URL? = {
  var dir = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath()
  for _ in 0..<8 {
    let candidate = dir.appendingPathComponent("seqgen")
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
      FileManager.default.isExecutableFile(atPath: candidate.path)
    {
      return candidate
    }
    dir.deleteLastPathComponent()
  }
  return nil
}()

/// Exit status, stdout and stderr of one `seqgen` run.
private func run(_ executable: URL, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
  let process = Process()
  process.executableURL = executable
  process.arguments = args
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// The first four fixture lines.
private let lines = (1...4).map { fixtureLines.appendingPathComponent(String(format: "line-%04d.inkml", $0)).path }

/// `seqgen train handwriting` of a tiny model (1×8 LSTM, 3 components) on `lines`.
private func trainTiny(_ exe: URL, out: String, _ extra: [String]) throws -> (status: Int32, out: String, err: String) {
  try run(
    exe,
    ["train", "handwriting", "--data"] + lines + [
      "--out", out, "--hidden-size", "8", "--num-layers", "1", "--batch-size", "2", "--seq-length", "16",
      "--components", "3",
    ] + extra)
}

/// End to end through the real binary: train a tiny model on four fixture lines, generate SVG and
/// InkML, and fail cleanly on bad input and misplaced flags.
@Suite struct HandwritingCLITests {
  @Test func trainGenerateEvalAndErrors() throws {
    let exe = try #require(seqgen)
    let dir = try TempDir()
    defer { dir.remove() }
    let runDir = dir.url.appendingPathComponent("run").path
    let train = try trainTiny(exe, out: runDir, ["--steps", "4", "--checkpoint-every", "2"])
    #expect(train.status == 0, "\(train.err)")
    #expect(train.out.contains("bits/point in data units"))
    #expect(train.out.contains("baseline, one bivariate Gaussian"))
    // An unconditional model's own learning rate where no flag gives one.
    #expect(try RunDirectory(URL(fileURLWithPath: runDir)).manifest().training.learningRate == 8e-3)

    // SVG: two rows, stopped after three strokes each, settings in the metadata; each row begins
    // with the prime's strokes (the one prime rule) unless --strip-prime.
    let svg = dir.url.appendingPathComponent("s.svg").path
    let primed = [
      "generate", runDir, "--out", svg, "--count", "2", "--strokes", "3", "--bias", "1", "--seed", "4", "--prime",
      lines[0],
    ]
    let generated = try run(exe, primed)
    #expect(generated.status == 0, "\(generated.err)")
    let text = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(text.contains("seed=\"4\"") && text.contains("bias=\"1.0\"") && text.contains("strokes=\"3\""))
    // 23 prime strokes per row plus at least three generated ones (a last, unfinished stroke may follow).
    #expect(text.components(separatedBy: "stroke=\"#9a9a9a\"").count - 1 == 46)
    #expect(text.components(separatedBy: "<path ").count - 1 >= 46 + 6)
    #expect(try run(exe, primed + ["--strip-prime"]).status == 0)
    let stripped = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(stripped.components(separatedBy: "stroke=\"#9a9a9a\"").count - 1 == 0)
    #expect(stripped.components(separatedBy: "<path ").count - 1 >= 6)

    // InkML reads back as two sequences of the asked length (a lone point is written twice).
    let inkml = dir.url.appendingPathComponent("s.inkml").path
    #expect(try run(exe, ["generate", runDir, "--out", inkml, "--count", "2", "--steps", "30"]).status == 0)
    let back = try HandwritingDomain().read([URL(fileURLWithPath: inkml)])
    #expect(back.count == 2)
    #expect(back.allSatisfy { $0.steps.count >= 30 })

    let eval = try run(exe, ["eval", runDir, "--data", lines[3]])
    #expect(eval.status == 0, "\(eval.err)")
    #expect(eval.out.contains("nats/sequence") && eval.out.contains("baseline"))

    // Failures: one line "Error: …", non-zero exit.
    let bad = try dir.file("bad.inkml", inkML(["1 2, 3 4, 5"]))
    let failures: [([String], String)] = [
      (
        ["train", "handwriting", "--data", bad.path, "--out", dir.url.appendingPathComponent("r2").path],
        "\(bad.path): trace 1 (line 3), point 3"
      ),
      (
        [
          "train", "handwriting", "--data", dir.url.appendingPathComponent("empty").path, "--out",
          dir.url.appendingPathComponent("r3").path,
        ], "no such file"
      ),
      (["generate", runDir, "--out", svg, "--top-k", "3"], "Unknown option '--top-k': not a flag of handwriting runs"),
      (
        ["generate", runDir, "--out", dir.url.appendingPathComponent("x.png").path],
        "handwriting is written as .svg or .inkml"
      ),
      (["generate", runDir], "give --out sample.svg"),
      (["generate", runDir, "--out", svg, "--prime", bad.path], "\(bad.path): trace 1"),
      (
        [
          "train", "handwriting", "--data", lines[0], "--out", dir.url.appendingPathComponent("r4").path,
          "--components", "0",
        ], "--components must be in"
      ),
    ]
    for (args, message) in failures {
      let r = try run(exe, args)
      #expect(r.status != 0, "\(args) succeeded")
      let errLines = r.err.split(whereSeparator: \.isNewline)
      #expect(errLines.count == 1 && errLines[0].hasPrefix("Error: ") && r.err.contains(message), "\(args): \(r.err)")
    }
  }

  /// `--condition text`: a tiny model trained on transcribed lines writes given texts (one row
  /// per text and count, each ending when the window passes the text's end or at the cap), with
  /// the text in the SVG metadata; and every bad input is one line, non-zero, nothing written.
  @Test func conditionedTrainingWritesAGivenText() throws {
    let exe = try #require(seqgen)
    let dir = try TempDir()
    defer { dir.remove() }
    let runDir = dir.url.appendingPathComponent("run").path
    let train = try trainTiny(
      exe, out: runDir, ["--steps", "3", "--condition", "text", "--window-size", "2", "--val-fraction", "0.25"])
    #expect(train.status == 0, "\(train.err)")
    let manifest = try RunDirectory(URL(fileURLWithPath: runDir)).manifest()
    let codec = try manifest.codec(as: HandwritingCodec.self, path: runDir)
    let alphabet = try #require(codec.alphabet)
    #expect(manifest.model.condition == ConditionConfig(classes: alphabet.count, mixtures: 2))
    #expect(alphabet.contains("I") && alphabet.contains(" "))
    #expect(
      train.out.contains("generate with: seqgen generate \(runDir) --text \"To be, or not to be\""), "\(train.out)")
    // The synthesis recipe (chunks of 100 points, 6,000 steps) where no flag says otherwise.
    let recipeRun = dir.url.appendingPathComponent("recipe").path
    let recipe = try run(
      exe,
      ["train", "handwriting", "--data"] + lines + [
        "--out", recipeRun, "--hidden-size", "8", "--num-layers", "1", "--batch-size", "2", "--components", "3",
        "--condition", "text", "--epochs", "0.2",
      ])
    #expect(recipe.status == 0, "\(recipe.err)")
    let recipeTraining = try RunDirectory(URL(fileURLWithPath: recipeRun)).manifest().training
    #expect(recipeTraining.seqLength == 100 && recipeTraining.learningRate == 2e-3)
    let known = alphabet.filter { $0 != " " }.prefix(3).joined()

    let svg = dir.url.appendingPathComponent("line.svg").path
    let generated = try run(exe, ["generate", runDir, "--text", known, "--count", "2", "--bias", "1", "--out", svg])
    #expect(generated.status == 0, "\(generated.err)")
    let drawn = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(drawn.contains("text=\"\(known)\""))
    let textFile = try dir.file("texts.txt", "\(known)\n\n\(known.prefix(1))\n")
    let two = try run(exe, ["generate", runDir, "--text-file", textFile.path, "--out", svg, "--prime", lines[1]])
    #expect(two.status == 0 && two.err.contains("wrote 2 samples"), "\(two.err)")
    // --style is the prime of a given text: the same line, the same drawing.
    let styled = dir.url.appendingPathComponent("styled.svg").path
    let style = try run(exe, ["generate", runDir, "--text-file", textFile.path, "--out", styled, "--style", lines[1]])
    #expect(style.status == 0, "\(style.err)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: styled)) == Data(contentsOf: URL(fileURLWithPath: svg)))

    let plainRun = dir.url.appendingPathComponent("plain").path
    #expect(try trainTiny(exe, out: plainRun, ["--steps", "1"]).status == 0)
    let bare = try dir.file("bare.json", "[[[0, 0], [1, 2], [3, 1]], [[4, 4], [5, 6], [7, 5]]]")
    let notUTF8 = dir.url.appendingPathComponent("latin1.txt")
    try Data([0x66, 0xE9, 0x0A]).write(to: notUTF8)
    let empty = try dir.file("empty.txt", "\n\n")
    let out = dir.url.appendingPathComponent("never.svg").path
    let failures: [([String], String)] = [
      (
        [
          "train", "handwriting", "--data", bare.path, "--out", dir.url.appendingPathComponent("r").path,
          "--condition", "text",
        ], "\(bare.path): no transcription"
      ),
      (
        [
          "train", "handwriting", "--data", lines[0], "--out", dir.url.appendingPathComponent("r").path,
          "--condition", "text", "--window-size", "0",
        ], "--window-size must be in 1...100"
      ),
      (["generate", runDir, "--out", out], "give --text or --text-file"),
      (["generate", runDir, "--text", " ", "--out", out], "--text is empty"),
      (["generate", runDir, "--text", "\u{1F600}", "--out", out], "no class for the character"),
      (
        ["generate", runDir, "--text", "\u{1F600}", "--skip-unknown", "--out", out], "has no character the model knows"
      ),
      (
        ["generate", runDir, "--text-file", dir.url.appendingPathComponent("missing.txt").path, "--out", out],
        "missing.txt: cannot read"
      ),
      (["generate", runDir, "--text-file", notUTF8.path, "--out", out], "latin1.txt: not UTF-8"),
      (["generate", runDir, "--text-file", empty.path, "--out", out], "empty.txt: no text to write"),
      (["generate", runDir, "--text", known, "--prime", bare.path, "--out", out], "\(bare.path): no transcription"),
      (["generate", runDir, "--text", known, "--style", bare.path, "--out", out], "\(bare.path): no transcription"),
      (["generate", runDir, "--style", lines[1], "--out", out], "--style is the hand a given text is written in"),
      (
        ["generate", runDir, "--text", known, "--style", lines[1], "--prime", lines[1], "--out", out],
        "give --style or --prime, not both"
      ),
      (["generate", plainRun, "--text", known, "--out", out], "trained without transcriptions"),
    ]
    for (args, message) in failures {
      let r = try run(exe, args)
      #expect(r.status != 0, "\(args) succeeded")
      let errLines = r.err.split(whereSeparator: \.isNewline)
      #expect(errLines.count == 1 && errLines[0].hasPrefix("Error: ") && r.err.contains(message), "\(args): \(r.err)")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// The summary's baseline is fitted and scored on the run's own split: with `--val-split
  /// files` that is whole held-out files, not the tail of each (the summary once re-split by
  /// tail whatever the run used).
  @Test func summaryBaselineUsesTheRunsValidationSplit() throws {
    let exe = try #require(seqgen)
    let dir = try TempDir()
    defer { dir.remove() }
    let runDir = dir.url.appendingPathComponent("run").path
    let train = try trainTiny(exe, out: runDir, ["--steps", "2", "--val-split", "files", "--val-fraction", "0.25"])
    #expect(train.status == 0, "\(train.err)")
    let manifest = try RunDirectory(URL(fileURLWithPath: runDir)).manifest()
    let codec = try manifest.codec(as: HandwritingCodec.self, path: runDir)
    let sequences = try HandwritingDomain().read(lines.map { URL(fileURLWithPath: $0) })
    let (fitted, held) = ValidationSplit.files.split(sequences, fraction: 0.25)
    #expect(held.count == 1 && Set(fitted.map(\.source)).isDisjoint(with: held.map(\.source)))
    let nats =
      HandwritingBaseline(fitting: fitted, codec: codec).evaluate(held, codec: codec).natsPerStep
      + codec.natsPerPointToDataUnits
    let expected = String(
      format: "baseline, one bivariate Gaussian + Bernoulli fitted to the training offsets: %.4f nats/point", nats)
    #expect(train.out.contains(expected), "\(expected) not in:\n\(train.out)")
  }

  @Test func anEmptyFolderIsAnError() throws {
    let exe = try #require(seqgen)
    let dir = try TempDir()
    defer { dir.remove() }
    try FileManager.default.createDirectory(
      at: dir.url.appendingPathComponent("empty"), withIntermediateDirectories: true)
    let r = try run(
      exe,
      [
        "train", "handwriting", "--data", dir.url.appendingPathComponent("empty").path, "--out",
        dir.url.appendingPathComponent("run").path,
      ])
    #expect(r.status != 0)
    #expect(
      r.err
        == "Error: \(dir.url.appendingPathComponent("empty").path): directory contains no ink files (.inkml, .xml, .json)\n"
    )
  }
}
