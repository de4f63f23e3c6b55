import Foundation
import Testing

/// A domain setting a run fixed (how it reads and cuts its data, the head's shape), given on
/// resume with another value, is refused in one line naming the flag; given with the run's own
/// value, or left out, the run goes on. Text's are tested with subword runs
/// (SubwordTextCLITests.resumeRefusesAnotherTokenizerSetting).
@Suite struct ResumeFixedSettingsTests {
  static let hershey = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/handwriting/hershey-lines").path
  static let handwritingSmall = [
    "--hidden-size", "8", "--num-layers", "1", "--batch-size", "2", "--seq-length", "16", "--components", "3",
  ]

  static let cases: [(domain: String, data: String, small: [String], refused: [([String], String)], same: [String])] = [
    (
      "notes", NotesAugmentationCLITests.midi, NotesAugmentationCLITests().small,
      [
        (["--velocity-bins", "8"], "--velocity-bins"), (["--keep-drums"], "--keep-drums"),
        (["--transpose", "2"], "--transpose"), (["--steps-per-second", "50"], "--steps-per-second"),
      ],
      ["--velocity-bins", "32", "--transpose", "0"]
    ),
    (
      "audio", AudioAugmentationCLITests.clip, AudioAugmentationCLITests().small,
      [
        (["--quantization", "linear"], "--quantization"), (["--pre-emphasis", "0"], "--pre-emphasis"),
        (["--gain", "1"], "--gain"), (["--window", "3"], "--window"),
      ],
      ["--quantization", "mulaw", "--gain", "3"]
    ),
    (
      "handwriting", hershey, handwritingSmall,
      [
        (["--components", "4"], "--components"), (["--max-offset", "9"], "--max-offset"),
        (["--condition", "text"], "--condition"),
      ],
      []
    ),
  ]

  @Test(arguments: 0..<3)
  func resumeRefusesAnotherValue(index: Int) throws {
    let c = Self.cases[index]
    let box = try Sandbox()
    defer { box.remove() }
    let train = ["train", c.domain, "--data", c.data, "--out", box.path("run")] + c.small
    let first = try CLI.run(train + ["--steps", "2"])
    try #require(first.succeeded, "\(first)")
    for (flags, mention) in c.refused {
      let refused = try CLI.run(train + ["--resume", "--steps", "3"] + flags)
      expectCleanFailure(refused, mentions: [mention, "fixed by the run"])
    }
    let same = try CLI.run(train + ["--resume", "--steps", "3"] + c.same)
    #expect(same.succeeded, "\(same)")
  }
}
