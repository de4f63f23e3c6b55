import Foundation
import Testing

/// `seqgen train notes --transpose/--stretch`: checked flags, and augmentation that a resumed
/// run takes from the run itself.
@Suite struct NotesAugmentationCLITests {
  static let midi = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("fixtures/notes/openmsx/ultimate_run.mid").path
  /// A tiny model with chunks large enough that a few steps cross several epochs.
  let small = [
    "--hidden-size", "8", "--num-layers", "1", "--batch-size", "8", "--seq-length", "16", "--seed", "7",
    "--checkpoint-every", "4",
  ]

  @Test(arguments: [
    (["--transpose", "25"], "--transpose"),
    (["--transpose=-2"], "--transpose"),
    (["--stretch", "51"], "--stretch"),
  ])
  func augmentationFlagOutOfRange(flag: [String], name: String) throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try CLI.run(
      ["train", "notes", "--data", Self.midi, "--out", box.path("run"), "--steps", "2"] + small + flag)
    expectCleanFailure(result, mentions: [name])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test func aResumedRunKeepsItsAugmentation() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let augment = ["--transpose", "3", "--stretch", "10"]
    let straight = try CLI.run(
      ["train", "notes", "--data", Self.midi, "--out", box.path("straight"), "--steps", "24"] + small + augment)
    try #require(straight.succeeded, "\(straight)")
    let first = try CLI.run(
      ["train", "notes", "--data", Self.midi, "--out", box.path("resumed"), "--steps", "12"] + small + augment)
    try #require(first.succeeded, "\(first)")
    // Stopped in the second epoch and resumed without augmentation flags: the settings come from the run.
    let resumed = try CLI.run([
      "train", "notes", "--out", box.path("resumed"), "--resume", "--steps", "24", "--checkpoint-every", "4",
    ])
    try #require(resumed.succeeded, "\(resumed)")
    try expectSameCheckpoint(box.path("straight") + "/model.safetensors", box.path("resumed") + "/model.safetensors")
    let epochs = try metrics(box.path("straight")).compactMap { $0["epoch"] as? Double }
    #expect((epochs.last ?? 0) > 2, "the run crosses epochs: \(epochs)")
    let manifest = try String(contentsOfFile: box.path("resumed") + "/manifest.json", encoding: .utf8)
    #expect(manifest.contains("\"transpose\" : 3"))
    // The notes domain's own learning rate where no flag gives one (NoteDomain.trainingDefaults).
    #expect(manifest.contains("\"learningRate\" : 0.004"), "\(manifest)")
    let song = try CLI.run(["generate", box.path("resumed"), "--out", box.path("song.mid"), "--seconds", "3"])
    #expect(song.succeeded, "\(song)")
  }
}
