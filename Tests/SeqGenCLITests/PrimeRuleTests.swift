import Foundation
import Testing

/// The one prime rule: every output begins with the prime the model read first (printed,
/// written, several samples, the API: ServeTests), and `--strip-prime` leaves it out everywhere
/// (handwriting: HandwritingCLITests; notes and audio keep theirs in the file the same way).
@Suite struct PrimeRuleTests {
  @Test func textOutputsBeginWithThePrimeUnlessStripped() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus())
    let generate = ["generate", box.path("run"), "--prime", "the ", "--length", "30", "--seed", "2"]

    let printed = try CLI.run(generate)
    let stripped = try CLI.run(generate + ["--strip-prime"])
    try #require(printed.succeeded && stripped.succeeded, "\(printed) \(stripped)")
    #expect(printed.stdout.hasPrefix("the "), "\(printed.stdout)")
    #expect(printed.stdout == "the " + stripped.stdout, "\(printed.stdout) / \(stripped.stdout)")

    let file = box.path("out.txt")
    #expect(try CLI.run(generate + ["--out", file]).succeeded)
    let written = try String(contentsOfFile: file, encoding: .utf8)
    #expect(try CLI.run(generate + ["--out", file, "--strip-prime"]).succeeded)
    let writtenStripped = try String(contentsOfFile: file, encoding: .utf8)
    #expect(written == "the " + writtenStripped && written + "\n" == printed.stdout, "\(written)")

    let several = try CLI.run(generate + ["--count", "2"])
    #expect(several.succeeded, "\(several)")
    #expect(several.stdout.components(separatedBy: "===\nthe ").count == 3, "\(several.stdout)")
    let severalStripped = try CLI.run(generate + ["--count", "2", "--strip-prime"])
    #expect(!severalStripped.stdout.contains("===\nthe "), "\(severalStripped.stdout)")
  }
}
