import Foundation
import SoundIO
import Testing

/// `seqgen train audio --pre-emphasis`: a checked flag kept in the run, and clips that keep or
/// strip their prime at the right length once de-emphasised; `seqgen generate --sharpen-above`.
@Suite struct AudioGenerationCLITests {
  let small = AudioAugmentationCLITests().small

  @Test(arguments: ["1", "-0.1", "nan"])
  func outOfRange(value: String) throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try CLI.run(
      [
        "train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("run"), "--steps", "2",
        "--pre-emphasis=\(value)",
      ] + small)
    expectCleanFailure(result, mentions: ["--pre-emphasis"])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test func sharpeningAboveALevelIsCheckedAndNamedInThePicture() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = try CLI.run(
      ["train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("run"), "--steps", "4"] + small)
    try #require(run.succeeded, "\(run)")
    let clip = try CLI.run(
      [
        "generate", box.path("run"), "--out", box.path("clip.wav"), "--seconds", "0.3", "--top-k", "5",
        "--sharpen-above=-45", "--waveform", box.path("w.svg"),
      ])
    try #require(clip.succeeded, "\(clip)")
    #expect(try String(contentsOfFile: box.path("w.svg"), encoding: .utf8).contains("top-k 5 above -45.0 dBFS"))
    // The clip says how it was made in its string fields, as soxi and ffprobe show them.
    let tags = try SoundFile.tags(of: URL(fileURLWithPath: box.path("clip.wav")))
    let comment = tags[.comment] ?? ""
    #expect(
      comment.contains("run=\(box.path("run"))") && comment.contains("checkpoint=best") && comment.contains("seed=1")
        && comment.contains("top-k=5") && comment.contains("sharpen-above=-45.0"), "\(tags)")
    #expect(tags[.software]?.hasPrefix("seqgen ") == true && tags[.title]?.contains("seed 1") == true, "\(tags)")
    for bad in ["--sharpen-above=3", "--sharpen-above=nan"] {
      expectCleanFailure(
        try CLI.run(["generate", box.path("run"), "--out", box.path("bad.wav"), bad]), mentions: ["--sharpen-above"])
    }
    let noWindow = try CLI.run(
      [
        "train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("w0"), "--steps", "2", "--window",
        "0",
      ] + small)
    try #require(noWindow.succeeded, "\(noWindow)")
    expectCleanFailure(
      try CLI.run(["generate", box.path("w0"), "--out", box.path("bad.wav"), "--sharpen-above=-45"]),
      mentions: ["--sharpen-above", "--window"])
    #expect(!FileManager.default.fileExists(atPath: box.path("bad.wav")))
  }

  /// With no flags but sizes, training and generation follow the measured recipe: a window of
  /// four frames the LSTM reads too, pre-emphasis 0.85, speed and gain variants, and top-k 20
  /// above −45 dBFS; each part can still be turned off.
  @Test func theDefaultsAreTheMeasuredRecipe() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = try CLI.run(
      ["train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("run"), "--steps", "2"] + small)
    try #require(run.succeeded, "\(run)")
    let manifest = try String(contentsOfFile: box.path("run") + "/manifest.json", encoding: .utf8)
    for field in [
      "\"window\" : 16", "\"inputSamples\" : 20", "\"preEmphasis\" : 0.85", "\"speed\" : 0.1", "\"gainDB\" : 3",
    ] {
      #expect(manifest.contains(field), "\(field) in \(manifest)")
    }
    let clip = try CLI.run(["generate", box.path("run"), "--out", box.path("clip.wav"), "--seconds", "0.1"])
    try #require(clip.succeeded, "\(clip)")
    let comment = try SoundFile.tags(of: URL(fileURLWithPath: box.path("clip.wav")))[.comment] ?? ""
    #expect(comment.contains("top-k=20") && comment.contains("sharpen-above=-45.0"), "\(comment)")
    let plain = try CLI.run(
      [
        "generate", box.path("run"), "--out", box.path("plain.wav"), "--seconds", "0.1", "--top-p", "0.9",
        "--sharpen-above=-120",
      ])
    try #require(plain.succeeded, "\(plain)")
    let plainComment = try SoundFile.tags(of: URL(fileURLWithPath: box.path("plain.wav")))[.comment] ?? ""
    #expect(!plainComment.contains("top-k") && plainComment.contains("sharpen-above=-120.0"), "\(plainComment)")
    let bare = try CLI.run(
      [
        "train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("bare"), "--steps", "1",
        "--window", "4", "--input-samples", "4", "--pre-emphasis", "0", "--speed", "0", "--gain", "0",
      ] + small)
    try #require(bare.succeeded, "\(bare)")
    let bareManifest = try String(contentsOfFile: box.path("bare") + "/manifest.json", encoding: .utf8)
    #expect(
      bareManifest.contains("\"window\" : 4") && bareManifest.contains("\"preEmphasis\" : 0,")
        && !bareManifest.contains("gainDB"), "\(bareManifest)")
  }

  @Test func anEmphasisedRunGeneratesWithAndWithoutItsPrime() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = try CLI.run(
      [
        "train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("run"), "--steps", "10",
        "--pre-emphasis", "0.85",
      ] + small)
    try #require(run.succeeded, "\(run)")
    let manifest = try String(contentsOfFile: box.path("run") + "/manifest.json", encoding: .utf8)
    #expect(manifest.contains("\"preEmphasis\" : 0.85"), "\(manifest)")
    let primed = ["--prime", AudioAugmentationCLITests.clip, "--prime-seconds", "0.25", "--seconds", "0.5"]
    for (extra, seconds) in [([String](), 0.75), (["--strip-prime"], 0.5)] {
      let clip = try CLI.run(["generate", box.path("run"), "--out", box.path("clip.wav")] + primed + extra)
      try #require(clip.succeeded, "\(clip)")
      let audio = try SoundFile.readAudio(URL(fileURLWithPath: box.path("clip.wav")))
      #expect(audio.sampleRate == 8000 && audio.frames == Int(seconds * 8000), "\(extra): \(audio.frames) samples")
      #expect(audio.samples.allSatisfy { $0.isFinite && abs($0) <= 1 })
    }
  }
}
