import Foundation
import Testing

/// `seqgen train audio --speed/--gain`: checked flags, and a run that trains on fresh variants
/// across epochs, keeps its settings and generates.
@Suite struct AudioAugmentationCLITests {
  static let clip = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("fixtures/audio/speech/added.flac").path
  let small = [
    "--hidden-size", "8", "--num-layers", "1", "--frame-size", "4", "--mlp-hidden-size", "8", "--sample-embedding-size",
    "4",
    "--batch-size", "4",
    "--seq-length", "64", "--seed", "3",
  ]

  @Test(arguments: [(["--speed", "31"], "--speed"), (["--gain", "13"], "--gain"), (["--speed=-1"], "--speed")])
  func augmentationFlagOutOfRange(flag: [String], name: String) throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try CLI.run(
      ["train", "audio", "--data", Self.clip, "--out", box.path("run"), "--steps", "2"] + small + flag)
    expectCleanFailure(result, mentions: [name])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test func anAugmentedRunCrossesEpochsAndGenerates() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = try CLI.run(
      [
        "train", "audio", "--data", Self.clip, "--out", box.path("run"), "--steps", "30", "--speed", "10", "--gain",
        "3",
      ] + small)
    try #require(run.succeeded, "\(run)")
    let epochs = try metrics(box.path("run")).compactMap { $0["epoch"] as? Double }
    #expect((epochs.last ?? 0) > 2, "the run crosses epochs: \(epochs)")
    let manifest = try String(contentsOfFile: box.path("run") + "/manifest.json", encoding: .utf8)
    #expect(manifest.contains("\"speed\" : 0.1") && manifest.contains("\"gainDB\" : 3"), "\(manifest)")
    let clip = try CLI.run(["generate", box.path("run"), "--out", box.path("clip.wav"), "--seconds", "0.2"])
    #expect(clip.succeeded, "\(clip)")
    #expect(FileManager.default.fileExists(atPath: box.path("clip.wav")))
    #expect(
      clip.stdout.contains("spectral flatness") && clip.stdout.contains(", harmonicity ")
        && clip.stdout.contains(", level spread "), "the clip's figures are printed: \(clip.stdout)")
  }
}
