import Foundation
import Testing

/// `seqgen hershey`: synthetic InkML lines with their transcriptions, the font licence beside
/// them, a corpus the handwriting domain trains on, and one-line errors.
@Suite struct HersheyCLITests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  let fonts = ["--fonts-dir", root.appendingPathComponent("fixtures/handwriting/fonts").path]

  @Test func linesWithTranscriptionsAndTheLicenceTrainAModel() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let text = try box.write(
      "lines.txt", "To be, or not to be: that is the question.\nshort\nWhether 'tis nobler in the mind\n")
    let out = box.path("lines")
    let made = try CLI.run(["hershey", "--text-file", text, "--out", out, "--count", "3", "--seed", "2"] + fonts)
    #expect(made.succeeded, "\(made)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    let lines = files.filter { $0.hasSuffix(".inkml") }
    #expect(lines.count >= 3 + 5, "three text lines and coverage lines: \(files)")
    #expect(files.contains("index.tsv") && files.contains("HERSHEY-ACKNOWLEDGEMENT.txt"))
    let licence = try Data(contentsOf: URL(fileURLWithPath: out + "/HERSHEY-ACKNOWLEDGEMENT.txt"))
    let fixture = try Data(
      contentsOf: Self.root.appendingPathComponent("fixtures/handwriting/HERSHEY-ACKNOWLEDGEMENT.txt"))
    #expect(licence == fixture, "the acknowledgements travel verbatim")
    let first = try String(contentsOfFile: out + "/line-00001.inkml", encoding: .utf8)
    #expect(first.contains("<annotation type=\"truth\">") && first.contains("<annotation type=\"font\">Hershey "))
    #expect(!first.contains(">short<"), "lines under 8 characters are not written")
    let index = try String(contentsOfFile: out + "/index.tsv", encoding: .utf8)
    #expect(index.split(separator: "\n").count == lines.count + 1)
    let train = try CLI.run(
      [
        "train", "handwriting", "--data", out, "--out", box.path("run"), "--steps", "2", "--hidden-size", "8",
        "--num-layers", "1", "--batch-size", "2", "--seq-length", "16",
      ])
    #expect(train.succeeded, "\(train)")
    // Same seed, same lines.
    let again = try CLI.run(
      ["hershey", "--text-file", text, "--out", box.path("again"), "--count", "3", "--seed", "2"] + fonts)
    #expect(again.succeeded)
    #expect(
      try String(contentsOfFile: box.path("again") + "/line-00002.inkml", encoding: .utf8)
        == String(contentsOfFile: out + "/line-00002.inkml", encoding: .utf8))
  }

  @Test func badInputIsOneLine() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let text = try box.write("t.txt", "To be, or not to be: that is the question.\n")
    let out = ["--out", box.path("o")]
    expectCleanFailure(
      try CLI.run(["hershey", "--text-file", box.path("missing.txt")] + out + fonts), mentions: ["missing.txt"])
    expectCleanFailure(
      try CLI.run(["hershey", "--text-file", text, "--fonts", "gothic"] + out + fonts), mentions: ["--fonts"])
    expectCleanFailure(
      try CLI.run(["hershey", "--text-file", text, "--count", "0"] + out + fonts), mentions: ["--count"])
    let none = try box.write("none.txt", "a\nb\n")
    expectCleanFailure(try CLI.run(["hershey", "--text-file", none] + out + fonts), mentions: ["none.txt"])
    expectCleanFailure(
      try CLI.run(["hershey", "--text-file", text, "--out", box.path("f"), "--fonts-dir", box.path("nofonts")]),
      mentions: ["cursive.jhf"])
    _ = try box.write("full/keep.txt", "x")
    expectCleanFailure(
      try CLI.run(["hershey", "--text-file", text, "--out", box.path("full")] + fonts), mentions: ["not empty"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("full")) == ["keep.txt"])
  }
}
