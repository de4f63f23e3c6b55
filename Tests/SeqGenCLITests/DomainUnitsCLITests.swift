import Foundation
import Testing

/// `seqgen eval` reports the units the training summary gives: bits per sample and kbit/s for
/// audio, bits per second of music for notes (the unit used to change between the two).
@Suite struct DomainUnitsCLITests {
  @Test func audioEvalReportsBitsPerSampleAsTrainingDoes() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let clip = AudioAugmentationCLITests.clip
    let train = try CLI.run(
      ["train", "audio", "--data", clip, "--out", box.path("run"), "--steps", "3"] + AudioAugmentationCLITests().small)
    try #require(train.succeeded, "\(train)")
    #expect(train.stdout.contains("bits/sample") && train.stdout.contains("kbit/s"), "\(train)")
    let eval = try CLI.run(["eval", box.path("run"), "--data", clip])
    try #require(eval.succeeded, "\(eval)")
    #expect(eval.stdout.contains("bits/frame"), "\(eval)")
    #expect(eval.stdout.contains("bits/sample") && eval.stdout.contains("kbit/s of audio at 8000 Hz"), "\(eval)")
  }

  @Test func notesEvalReportsBitsPerSecondOfMusicAsTrainingDoes() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let midi = NotesAugmentationCLITests.midi
    let train = try CLI.run(
      ["train", "notes", "--data", midi, "--out", box.path("run"), "--steps", "4"] + NotesAugmentationCLITests().small)
    try #require(train.succeeded, "\(train)")
    #expect(train.stdout.contains("bits/s of music"), "\(train)")
    let eval = try CLI.run(["eval", box.path("run"), "--data", midi])
    try #require(eval.succeeded, "\(eval)")
    #expect(eval.stdout.contains("bits/event") && eval.stdout.contains("bits/s of music"), "\(eval)")
  }
}
