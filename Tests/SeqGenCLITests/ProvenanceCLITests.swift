import Foundation
import Testing

/// `seqgen generate --provenance`: text written with --out gets a sidecar saying how it was
/// made, only when asked, and the file itself stays the samples alone.
@Suite struct ProvenanceCLITests {
  @Test func aSidecarOnlyWhenAsked() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus())
    let plain = try CLI.run(["generate", box.path("run"), "--out", box.path("a.txt"), "--length", "20"])
    #expect(plain.succeeded && !FileManager.default.fileExists(atPath: box.path("a.txt.json")), "\(plain)")
    let asked = try CLI.run(
      [
        "generate", box.path("run"), "--out", box.path("b.txt"), "--length", "20", "--seed", "9", "--temperature",
        "0.7", "--provenance",
      ])
    #expect(asked.succeeded, "\(asked)")
    let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.path("b.txt.json"))))
    let object = try #require(sidecar as? [String: Any])
    let request = try #require(object["request"] as? [String: Any])
    #expect(object["run"] as? String == box.path("run") && object["domain"] as? String == "text", "\(object)")
    #expect(request["seed"] as? Int == 9 && (request["controls"] as? [String: Any])?["temperature"] as? Double == 0.7)
    #expect(try String(contentsOfFile: box.path("b.txt"), encoding: .utf8).count == 20)
    expectCleanFailure(
      try CLI.run(["generate", box.path("run"), "--provenance", "--length", "5"]), mentions: ["--provenance", "--out"])
  }
}
