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

  /// Every output names the step of the weights it used: the best checkpoint's own step, not
  /// the run's latest (as a run past its best has them).
  @Test func theBestCheckpointIsNamedByItsOwnStep() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus())
    let manifestURL = URL(fileURLWithPath: box.path("run") + "/manifest.json")
    var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
    var progress = try #require(json["progress"] as? [String: Any])
    let latest = try #require(progress["step"] as? Int)
    progress["bestStep"] = latest - 1
    json["progress"] = progress
    try JSONSerialization.data(withJSONObject: json).write(to: manifestURL)
    for (which, step) in [("best", latest - 1), ("latest", latest)] {
      let out = box.path("\(which).txt")
      let made = try CLI.run(
        ["generate", box.path("run"), "--out", out, "--length", "5", "--checkpoint", which, "--provenance"])
      #expect(made.succeeded, "\(made)")
      let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + ".json")))
      #expect((sidecar as? [String: Any])?["step"] as? Int == step, "\(which): \(sidecar)")
    }
  }
}
