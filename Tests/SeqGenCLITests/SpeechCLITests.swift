import Foundation
import Testing

/// `seqgen espeak`, `seqgen train speech --condition text` and `seqgen generate --text`, end
/// to end, with the errors a user meets.
@Suite struct SpeechCLITests {
  let small = [
    "--hidden-size", "16", "--num-layers", "1", "--batch-size", "2", "--seq-length", "20", "--seed", "3",
    "--steps", "4", "--window-size", "2",
  ]

  @Test func saysAGivenSentence() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.write("lines.txt", "The boat left.\nA red cat sat.\n\nThe sun is up.\n")
    let espeak = try CLI.run(["espeak", "--text-file", box.path("lines.txt"), "--out", box.path("corpus")])
    try #require(espeak.succeeded, "\(espeak)")
    #expect(espeak.stdout.contains("wrote 3 clips"), "\(espeak.stdout)")
    let again = try CLI.run(["espeak", "--text-file", box.path("lines.txt"), "--out", box.path("corpus")])
    #expect(again.status != 0 && again.stderr.contains("is not empty"), "\(again)")

    let train = try CLI.run(
      ["train", "speech", "--data", box.path("corpus"), "--condition", "text", "--out", box.path("run")] + small)
    try #require(train.succeeded, "\(train)")
    #expect(train.stdout.contains("bits/s of speech"), "\(train.stdout)")
    let say = try CLI.run(["generate", box.path("run"), "--text", "The cat.", "--out", box.path("say.wav")])
    try #require(say.succeeded, "\(say)")
    #expect(say.stdout.contains("real-time factor"), "\(say.stdout)")
    #expect(FileManager.default.fileExists(atPath: box.path("say.wav")))

    // The playground offers a text box (no seconds) for this run and says the text.
    let server = try ServeTests.Server([box.path("run")])
    defer { server.stop() }
    let runs = try JSONSerialization.jsonObject(with: try ServeTests.request(server.port, "GET", "/api/runs").body)
    let options = ((runs as? [[String: Any]])?.first?["options"] as? [[String: Any]])?.compactMap {
      $0["name"] as? String
    }
    #expect(options?.contains("text") == true && options?.contains("seconds") == false, "\(runs)")
    let said = try ServeTests.request(
      server.port, "POST", "/api/runs/run/generate", body: ServeTests.json(["options": ["text": "The sun."]]))
    #expect(said.status == 200, "\(said.text)")
    let files = (said.json["files"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
    #expect(files == ["speech.wav"], "\(said.text)")
    let unsaid = try ServeTests.request(
      server.port, "POST", "/api/runs/run/generate", body: ServeTests.json(["options": ["textFile": "/etc/passwd"]]))
    #expect(unsaid.status == 400, "\(unsaid.text)")

    for (args, message) in [
      (["--out", box.path("x.wav")], "give --text or --text-file"),
      (["--text", "zzz", "--out", box.path("x.wav")], "is not in the model's alphabet"),
      (["--text", " ", "--out", box.path("x.wav")], "--text is empty"),
      (["--text", "the", "--out", box.path("x.mp4")], "unknown output format"),
      (["--text-file", box.path("none.txt"), "--out", box.path("x.wav")], "cannot read the text file"),
    ] {
      let r = try CLI.run(["generate", box.path("run")] + args)
      #expect(r.status != 0 && r.stderr.contains(message), "\(args): \(r)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: box.path("x.wav")))
    }
  }

  @Test func aClipWithoutATranscriptIsNamed() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let clips = LabelCLITests.repository.appendingPathComponent("fixtures/audio/speech").path
    let r = try CLI.run(["train", "speech", "--data", clips, "--condition", "text", "--out", box.path("run")] + small)
    #expect(r.status != 0 && r.stderr.contains(".flac: no transcript"), "\(r)")
    #expect(!FileManager.default.fileExists(atPath: box.path("run/manifest.json")))
  }
}
