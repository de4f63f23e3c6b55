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
}
