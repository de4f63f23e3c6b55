import Foundation
import Testing

/// `seqgen train --label-from` and `seqgen generate/eval --label`, end to end, on text and on
/// notes, with their errors.
@Suite struct LabelCLITests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Two "authors" whose texts share no letter: one writes only a and b, the other only x and y.
  func twoAuthors(_ box: Sandbox) throws -> String {
    var x: UInt64 = 99
    func words(_ choices: [String]) -> String {
      (0..<2500).map { _ in
        x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return choices[Int(x >> 33) % choices.count]
      }.joined(separator: " ")
    }
    try box.write("data/ab/a.txt", words(["ab", "ba", "aab"]))
    try box.write("data/xy/x.txt", words(["xy", "yx", "xxy"]))
    return box.path("data")
  }

  let small = [
    "--hidden-size", "32", "--num-layers", "1", "--batch-size", "8", "--seq-length", "32", "--seed", "3",
    "--checkpoint-every", "100",
  ]

  @Test func textWrittenInTheStyleOfEachLabel() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try twoAuthors(box)
    let train = try CLI.run(
      ["train", "text", "--data", data, "--out", box.path("run"), "--steps", "200", "--label-from", "folder"] + small)
    try #require(train.succeeded, "\(train)")
    let inspect = try CLI.run(["inspect", box.path("run")])
    #expect(inspect.stdout.contains("labels       ab, xy"), "\(inspect.stdout)")
    for (label, letters) in [("ab", "ab"), ("xy", "xy")] {
      let sample = try CLI.run(
        ["generate", box.path("run"), "--label", label, "--prime", " ", "--length", "200", "--strip-prime"])
      try #require(sample.succeeded, "\(sample)")
      let written = sample.stdout.filter(\.isLetter)
      let own = written.filter { letters.contains($0) }.count
      #expect(written.count > 50 && Double(own) >= 0.95 * Double(written.count), "\(label): \(sample.stdout)")
    }
    // The label carries the style: the ab text costs far less read as ab than as xy.
    func bits(_ label: String) throws -> Double {
      let eval = try CLI.run(["eval", box.path("run"), "--data", box.path("data/ab"), "--label", label])
      try #require(eval.succeeded, "\(eval)")
      let field = try #require(eval.stdout.split(separator: "=").dropFirst().first?.split(separator: " ").first)
      return try #require(Double(field))
    }
    #expect(try bits("ab") + 2 < (try bits("xy")))
  }

  @Test func labelErrorsAreOneLine() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try twoAuthors(box)
    let labelled = [
      "train", "text", "--data", data, "--out", box.path("run"), "--steps", "4", "--label-from", "folder",
    ]
    try #require(try CLI.run(labelled + tiny).succeeded)
    expectCleanFailure(
      try CLI.run(["generate", box.path("run"), "--label", "zz", "--length", "5"]), mentions: ["--label", "ab, xy"])
    expectCleanFailure(
      try CLI.run(["eval", box.path("run"), "--data", data, "--label", "zz"]), mentions: ["--label", "ab, xy"])
    // A resumed run labels its files as it started.
    try box.write("labels.tsv", "data/ab/a.txt\tone\ndata/xy/x.txt\ttwo\n")
    expectCleanFailure(
      try CLI.run(
        ["train", "text", "--out", box.path("run"), "--resume", "--steps", "8", "--label-from", box.path("labels.tsv")]
          + tiny),
      mentions: ["--label-from", "fixed by the run"])

    try box.train("plain", data: box.path("data/ab/a.txt"))
    expectCleanFailure(
      try CLI.run(["generate", box.path("plain"), "--label", "ab", "--length", "5"]),
      mentions: ["--label", "without labels"])

    let oneFolder = ["train", "text", "--data", box.path("data/ab"), "--out", box.path("one"), "--steps", "4"]
    expectCleanFailure(
      try CLI.run(oneFolder + ["--label-from", "folder"] + tiny), mentions: ["--label-from", "one folder (ab)"])
    expectCleanFailure(
      try CLI.run(oneFolder + ["--label-from", box.path("missing.tsv")] + tiny),
      mentions: ["missing.tsv", "cannot read"])
    try box.write("partial.tsv", "data/xy/x.txt\ttwo\n")
    expectCleanFailure(
      try CLI.run(oneFolder + ["--label-from", box.path("partial.tsv")] + tiny), mentions: ["partial.tsv", "a.txt"])
    #expect(!FileManager.default.fileExists(atPath: box.path("one")))
  }

  /// Notes from a table: Redfarn's pieces against the others of the fixture.
  @Test func notesLabelledFromATable() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let folder = Self.repository.appendingPathComponent("fixtures/notes/openmsx")
    let files = ["moo_redfarn.mid", "the_hobo_redfarn.mid", "relax_song.mid", "busy_schedule.mid"]
    let table = files.map {
      "\(folder.appendingPathComponent($0).path)\t\($0.contains("redfarn") ? "redfarn" : "other")"
    }
    try box.write("composers.tsv", table.joined(separator: "\n") + "\n")
    let train = try CLI.run(
      ["train", "notes", "--data"] + files.map { folder.appendingPathComponent($0).path } + [
        "--out", box.path("run"), "--steps", "4", "--label-from", box.path("composers.tsv"), "--hidden-size", "8",
        "--num-layers", "1", "--batch-size", "4", "--seq-length", "16",
      ])
    try #require(train.succeeded, "\(train)")
    #expect(try CLI.run(["inspect", box.path("run")]).stdout.contains("labels       other, redfarn"))
    let out = box.path("redfarn.mid")
    let generate = try CLI.run(["generate", box.path("run"), "--label", "redfarn", "--seconds", "2", "--out", out])
    #expect(generate.succeeded, "\(generate)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: out)).prefix(4) == Data("MThd".utf8))
    expectCleanFailure(
      try CLI.run(["generate", box.path("run"), "--label", "bach", "--seconds", "2", "--out", box.path("b.mid")]),
      mentions: ["other, redfarn"])
    #expect(!FileManager.default.fileExists(atPath: box.path("b.mid")))
  }
}
