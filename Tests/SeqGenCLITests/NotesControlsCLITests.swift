import Foundation
import Testing

/// `seqgen generate RUN --density/--key/--pitch-classes/--dynamics/--voices` on notes runs:
/// a new run learns the controls by default, and every refusal is one line with nothing written.
@Suite struct NotesControlsCLITests {
  static let midi = NotesAugmentationCLITests.midi
  let small = [
    "--hidden-size", "8", "--num-layers", "1", "--batch-size", "4", "--seq-length", "16", "--seed", "7",
  ]

  @Test func controlsAreLearntByDefaultAndRefusedWhereTheyAreNot() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let train = try CLI.run(["train", "notes", "--data", Self.midi, "--out", box.path("run"), "--steps", "3"] + small)
    try #require(train.succeeded, "\(train)")
    let manifest = try String(contentsOfFile: box.path("run/manifest.json"), encoding: .utf8)
    #expect(manifest.contains("\"controls\" : 50"), "the model reads 50 control values")
    let out = box.path("steered.mid")
    let steered = try CLI.run(
      [
        "generate", box.path("run"), "--out", out, "--seconds", "3", "--density", "2@0s,6@2s", "--key", "D minor",
        "--dynamics", "soft", "--voices", "3", "--chords", "Am F C G", "--beats-per-chord", "2", "--piano-roll",
        box.path("roll.svg"),
      ])
    #expect(steered.succeeded, "\(steered)")
    // The request is in the file's track name, as every other setting.
    let written = try Data(contentsOf: URL(fileURLWithPath: out))
    #expect(String(decoding: written, as: UTF8.self).contains("density 2@0s,6@2s, key D minor"))
    // The roll names the chords where they begin: every second at 2 beats of 120 bpm.
    let roll = try String(contentsOfFile: box.path("roll.svg"), encoding: .utf8)
    #expect(
      roll.contains(">Am</text>") && roll.contains(">F</text>") && roll.contains(">C</text>"), "\(roll.prefix(400))")

    for (flags, mention) in [
      (["--density", "0"], "--density"), (["--density", "4@5s,2@1s"], "increase"), (["--key", "H minor"], "--key"),
      (["--pitch-classes", "1,0,1"], "12"), (["--pitch-classes", "0,0,0,0,0,0,0,0,0,0,0,0"], "all zero"),
      (["--dynamics", "deafening"], "--dynamics"), (["--voices", "40"], "--voices"),
      (["--chords", "Am H7"], "\"H7\""), (["--chords", "C", "--bpm", "5"], "--bpm"),
    ] {
      let bad = box.path("bad.mid")
      expectCleanFailure(
        try CLI.run(["generate", box.path("run"), "--out", bad, "--seconds", "2"] + flags), mentions: [mention])
      #expect(!FileManager.default.fileExists(atPath: bad))
    }

    let plain = try CLI.run(
      ["train", "notes", "--data", Self.midi, "--out", box.path("plain"), "--steps", "3", "--no-controls"] + small)
    try #require(plain.succeeded, "\(plain)")
    expectCleanFailure(
      try CLI.run(["generate", box.path("plain"), "--out", box.path("p.mid"), "--key", "C major"]),
      mentions: ["without controls"])
    #expect(!FileManager.default.fileExists(atPath: box.path("p.mid")))
    #expect(try CLI.run(["generate", box.path("plain"), "--out", box.path("p.mid"), "--seconds", "2"]).succeeded)
    // A resumed run keeps whether it learns controls.
    expectCleanFailure(
      try CLI.run(["train", "notes", "--out", box.path("run"), "--resume", "--steps", "6", "--no-controls"] + small),
      mentions: ["--controls", "fixed by the run"])
  }
}
