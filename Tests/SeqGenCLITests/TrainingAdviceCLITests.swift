import Foundation
import Testing

/// `seqgen train` says when the model is far larger than the corpus, and when validation has
/// stopped improving (on the progress output and in the summary).
@Suite struct TrainingAdviceCLITests {
  @Test func aMemorisingRunIsToldSo() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = try CLI.run(
      [
        "train", "text", "--data", try box.corpus(), "--out", box.path("run"), "--steps", "240", "--hidden-size", "64",
        "--num-layers", "1", "--batch-size", "4", "--seq-length", "16", "--checkpoint-every", "20", "--learning-rate",
        "0.02",
      ], timeout: 300)
    try #require(run.succeeded, "\(run)")
    let lines = run.stdoutLines
    let sizes = try #require(lines.first { $0.hasPrefix("advice: ") && $0.contains("parameters for") }, "\(run)")
    #expect(sizes.contains("memorise") && sizes.contains("--hidden-size"), "\(sizes)")
    // Said once, not at every checkpoint after it became true nor again in the summary.
    let advice = lines.filter { $0.hasPrefix("advice: validation has not improved") }
    #expect(advice.count == 1, "\(run)")
    #expect(advice.first?.contains("--dropout") == true)
  }

  /// A new run on a megabyte of source code (this project's own) is offered the source-code
  /// recipe, spelled as flags; a resumed run is not told again.
  @Test func sourceCodeIsOfferedItsRecipe() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let files = ["Sources", "domains", "Tests"].flatMap { folder in
      (FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "swift" }
    }
    let code = try files.sorted { $0.path < $1.path }.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
    _ = try box.file("code/all.swift", String(code.prefix(1_200_000)))
    let train = [
      "train", "text", "--data", box.path("code"), "--out", box.path("run"), "--steps", "1", "--hidden-size", "8",
      "--num-layers", "1", "--batch-size", "16", "--seq-length", "64", "--val-fraction", "0.01",
    ]
    let run = try CLI.run(train, timeout: 300)
    try #require(run.succeeded, "\(run)")
    let advice = try #require(run.stdoutLines.first { $0.contains("looks like source code") }, "\(run)")
    #expect(advice.contains("try --hidden-size 256, --steps 8000") && advice.contains("--temperature 0.5"), "\(advice)")
    let resumed = try CLI.run(train + ["--resume", "--steps", "2"], timeout: 300)
    try #require(resumed.succeeded, "\(resumed)")
    #expect(!resumed.stdout.contains("looks like source code"), "\(resumed)")
  }
}
