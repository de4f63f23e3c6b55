import Foundation
import SeqGenEngine
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `seqgen serve`: the JSON API and the page, hostile input, limits, and the page in headless
/// Chromium, against the real binary on loopback.
@Suite(.serialized) struct ServeTests {
  /// A running `seqgen serve`; stopped (SIGTERM) by `stop()`.
  final class Server {
    let process: Process
    let port: UInt16

    init(_ args: [String]) throws {
      process = Process()
      process.executableURL = try #require(CLI.executable)
      process.arguments = ["serve", "--port", "0"] + args
      let out = Pipe()
      process.standardOutput = out
      process.standardError = FileHandle.nullDevice
      process.standardInput = FileHandle.nullDevice
      try process.run()
      // "serving a, b at http://127.0.0.1:PORT/"
      var line = Data()
      while !line.contains(UInt8(ascii: "\n")) {
        let byte = out.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty { break }
        line.append(byte)
      }
      let text = String(decoding: line, as: UTF8.self)
      let digits = text.split(separator: ":").last?.prefix { $0.isNumber } ?? ""
      port = try #require(UInt16(digits), "no address in \(text)")
    }

    func stop() {
      process.terminate()
      process.waitUntilExit()
    }

    var cpuSeconds: Double {
      let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
      let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
      guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
      return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
  }

  struct Response {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
  }

  /// One raw HTTP/1.1 exchange (the path sent as given, `..` and all); reads to the close.
  static func request(
    _ port: UInt16, _ method: String, _ path: String, body: Data? = nil, headers: [String] = [],
    readLimit: Int = 64 << 20, closeAfter bytes: Int? = nil, hangUpAfter seconds: Int = 90
  ) throws -> Response {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    try #require(connected == 0, "cannot connect to port \(port)")
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for h in headers { head += h + "\r\n" }
    if let body { head += "Content-Length: \(body.count)\r\nContent-Type: application/json\r\n" }
    var message = Data((head + "\r\n").utf8)
    if let body { message.append(body) }
    _ = message.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while received.count < readLimit {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      received.append(contentsOf: buffer[0..<n])
      if let bytes, received.count >= bytes { break }
    }
    guard let split = received.range(of: Data("\r\n\r\n".utf8)) else {
      return Response(status: 0, headers: [:], body: received)
    }
    let lines = String(decoding: received[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
    var fields: [String: String] = [:]
    for line in lines.dropFirst() {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
    }
    var body = Data(received[split.upperBound...])
    if fields["transfer-encoding"] == "chunked" { body = dechunk(body) }
    return Response(status: status, headers: fields, body: body)
  }

  static func dechunk(_ data: Data) -> Data {
    var out = Data()
    var rest = data[...]
    while let end = rest.range(of: Data("\r\n".utf8)) {
      let size = Int(String(decoding: rest[..<end.lowerBound], as: UTF8.self), radix: 16) ?? 0
      guard size > 0, rest.distance(from: end.upperBound, to: rest.endIndex) >= size else { break }
      let start = end.upperBound
      out.append(rest[start..<rest.index(start, offsetBy: size)])
      rest = rest[rest.index(start, offsetBy: size + 2)...]
    }
    return out
  }

  static func json(_ object: Any) -> Data { try! JSONSerialization.data(withJSONObject: object) }

  /// Server-sent events as (event, data) pairs.
  static func events(_ body: String) -> [(String, [String: Any])] {
    body.components(separatedBy: "\n\n").compactMap { block in
      var event = ""
      var data = ""
      for line in block.split(separator: "\n") {
        if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
        if line.hasPrefix("data: ") { data += line.dropFirst(6) }
      }
      guard !event.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
      else { return nil }
      return (event, object)
    }
  }

  /// A text run and a handwriting run, trained for a few steps.
  static func runs(in box: Sandbox) throws -> (text: String, handwriting: String) {
    let text = box.path("shakespeare")
    let t = try CLI.run(
      ["train", "text", "--data", try box.corpus(), "--out", text, "--steps", "12"] + tiny)
    try #require(t.succeeded, "\(t)")
    return (text, try handwritingRun(in: box, named: "hw", ["--steps", "6"]))
  }

  /// A tiny handwriting run on four bundled lines, with `flags` on top.
  static func handwritingRun(in box: Sandbox, named name: String, _ flags: [String]) throws -> String {
    let lines = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fixtures/handwriting/hershey-lines")
    let run = box.path(name)
    let h = try CLI.run(
      ["train", "handwriting", "--data"] + (1...4).map { lines.appendingPathComponent("line-000\($0).inkml").path }
        + ["--out", run, "--hidden-size", "8", "--num-layers", "1", "--batch-size", "2", "--seq-length", "16"] + flags)
    try #require(h.succeeded, "\(h)")
    return run
  }

  @Test func theAPIListsRunsAndGeneratesWhatTheCLIGenerates() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, hw) = try Self.runs(in: box)
    let server = try Server([text, hw])
    defer { server.stop() }

    let list = try Self.request(server.port, "GET", "/api/runs")
    #expect(list.status == 200 && list.headers["content-type"] == "application/json", "\(list.text)")
    let runs = try #require(try JSONSerialization.jsonObject(with: list.body) as? [[String: Any]])
    #expect(runs.map { $0["id"] as? String } == ["shakespeare", "hw"])
    #expect(runs.map { $0["domain"] as? String } == ["text", "handwriting"])
    #expect((runs[0]["controls"] as? [String])?.contains("topK") == true)
    #expect((runs[1]["controls"] as? [String])?.contains("bias") == true)
    #expect((runs[0]["figures"] as? [String: Any])?["step"] as? Double == 12)
    // Each setting as described once, labelled; only what the run accepts: the text run has no
    // bias, the handwriting run (trained without transcriptions) no text to write.
    let settings = runs.map { run in
      ((run["controlSettings"] as? [[String: Any]]) ?? []) + ((run["options"] as? [[String: Any]]) ?? [])
    }
    let names = settings.map { $0.compactMap { $0["name"] as? String } }
    #expect(!names[0].contains("bias") && names[0].contains("length") && names[0].contains("seed"), "\(names)")
    #expect(names[1].contains("bias") && !names[1].contains("text") && !names[1].contains("style"), "\(names)")
    #expect(settings.joined().allSatisfy { !($0["label"] as? String ?? "").isEmpty && $0["help"] is String })
    #expect(settings[0].first { $0["name"] as? String == "length" }?["place"] as? String == "options")
    // A prime typed as text only where the run reads text; a stroke run takes a file.
    #expect(runs[0]["primesFromText"] as? Bool == true && runs[1]["primesFromText"] as? Bool == false)
    let typed = try Self.request(
      server.port, "POST", "/api/runs/hw/generate", body: Self.json(["prime": ["text": "hello"]]))
    #expect(typed.status == 400 && typed.text.contains("primed from a file"), "\(typed.text)")

    // Same seed and settings: the same text as seqgen generate.
    let cli = try CLI.run([
      "generate", text, "--prime", "the ", "--length", "60", "--seed", "4", "--temperature", "0.7",
    ])
    try #require(cli.succeeded, "\(cli)")
    let body = Self.json([
      "request": ["seed": 4, "controls": ["temperature": 0.7]], "options": ["length": 60], "prime": ["text": "the "],
    ])
    let answer = try Self.request(server.port, "POST", "/api/runs/shakespeare/generate", body: body)
    #expect(answer.status == 200, "\(answer.text)")
    let texts = try #require(answer.json["texts"] as? [String], "\(answer.text)")
    #expect(texts[0].hasPrefix("the ") && texts[0] == cli.stdout.trimmingCharacters(in: .newlines))
    let command = try #require(answer.json["command"] as? String)
    #expect(command.contains("--seed 4") && command.contains("--temperature 0.7") && command.contains("--length 60"))

    // Streamed: the steps as events, then the result.
    let streamed = try Self.request(server.port, "POST", "/api/runs/shakespeare/stream", body: body)
    #expect(streamed.status == 200 && streamed.headers["content-type"] == "text/event-stream")
    let events = Self.events(streamed.text)
    let primed = events.filter { $0.0 == "primed" }.compactMap { $0.1["text"] as? String }
    let steps = events.filter { $0.0 == "step" }.compactMap { $0.1["text"] as? String }.joined()
    #expect(primed == ["the "] && primed[0] + steps == texts[0], "\(streamed.text.prefix(400))")
    #expect(events.last?.0 == "done" && (events.last?.1["texts"] as? [String]) == texts)

    // Handwriting: an SVG made in the server's folder and served back.
    let drawn = try Self.request(
      server.port, "POST", "/api/runs/hw/generate",
      body: Self.json(["request": ["seed": 2, "controls": ["bias": 1]], "options": ["length": 80]]))
    #expect(drawn.status == 200, "\(drawn.text)")
    let files = try #require(drawn.json["files"] as? [[String: Any]], "\(drawn.text)")
    let url = try #require(files.first?["url"] as? String)
    #expect(files.first?["name"] as? String == "handwriting.svg" && files.first?["type"] as? String == "image/svg+xml")
    let svg = try Self.request(server.port, "GET", url)
    #expect(svg.status == 200 && svg.text.contains("<svg"), "\(svg.text.prefix(200))")
    #expect((drawn.json["command"] as? String)?.contains("--out handwriting.svg --length 80") == true)
    // Streamed, every point arrives as a pen event while it is drawn.
    let penStream = try Self.request(
      server.port, "POST", "/api/runs/hw/stream",
      body: Self.json(["request": ["seed": 2, "controls": ["bias": 1]], "options": ["length": 80]]))
    let penEvents = Self.events(penStream.text)
    let pens = penEvents.filter { $0.0 == "pen" }
    let points = (penEvents.last?.1["figures"] as? [String: Any])?["points"] as? Double
    #expect(pens.count == 80 && points == 80, "\(penStream.text.prefix(300))")
    #expect(pens.allSatisfy { $0.1["dx"] is Double && $0.1["lift"] is Bool })
    #expect(!(drawn.json["notices"] as? [String] ?? []).joined().contains("seqgen-serve-"), "server paths stay hidden")
  }

  /// A word run in the playground: its own settings and unit, and the text the CLI writes.
  @Test func aWordRunGeneratesWhatTheCLIGenerates() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = box.path("words")
    let trained = try CLI.run(
      ["train", "text", "--tokens", "word", "--data", try box.corpus(), "--out", run, "--steps", "6"] + tiny)
    try #require(trained.succeeded, "\(trained)")
    let server = try Server([run])
    defer { server.stop() }
    let list = try Self.request(server.port, "GET", "/api/runs")
    let runs = try #require(try JSONSerialization.jsonObject(with: list.body) as? [[String: Any]])
    #expect(runs.first?["stepUnit"] as? String == "token")
    let names = ((runs.first?["options"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    #expect(names.contains("banUnknown") && names.contains("tokens") && !names.contains("skipUnknown"), "\(names)")
    let cli = try CLI.run(["generate", run, "--prime", "the cat", "--tokens", "12", "--seed", "3", "--ban-unk"])
    try #require(cli.succeeded, "\(cli)")
    let answer = try Self.request(
      server.port, "POST", "/api/runs/words/generate",
      body: Self.json([
        "request": ["seed": 3], "options": ["tokens": 12, "banUnknown": true], "prime": ["text": "the cat"],
      ]))
    #expect(answer.status == 200, "\(answer.text)")
    let texts = try #require(answer.json["texts"] as? [String], "\(answer.text)")
    #expect(texts[0].hasPrefix("the cat") && texts[0] == cli.stdout.trimmingCharacters(in: .newlines))
    #expect((answer.json["command"] as? String)?.contains("--ban-unk") == true, "\(answer.text)")
  }

  /// A subword run through the playground: the options it takes, and the text the CLI writes
  /// for the same seed (a prime with a character the tokenizer reads as bytes).
  @Test func aSubwordRunGeneratesWhatTheCLIGenerates() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let run = box.path("bpe")
    let trained = try CLI.run(
      [
        "train", "text", "--tokens", "bpe", "--vocab-size", "280", "--data", try box.corpus(), "--out", run, "--steps",
        "6",
      ]
        + tiny)
    try #require(trained.succeeded, "\(trained)")
    let server = try Server([run])
    defer { server.stop() }
    let list = try Self.request(server.port, "GET", "/api/runs")
    let runs = try #require(try JSONSerialization.jsonObject(with: list.body) as? [[String: Any]])
    #expect(runs.first?["stepUnit"] as? String == "token")
    let names = ((runs.first?["options"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    #expect(names == ["length", "tokens", "provenance", "stripPrime"], "\(names)")
    let cli = try CLI.run(["generate", run, "--prime", "the 猫", "--length", "40", "--seed", "3"])
    try #require(cli.succeeded, "\(cli)")
    let answer = try Self.request(
      server.port, "POST", "/api/runs/bpe/generate",
      body: Self.json(["request": ["seed": 3], "options": ["length": 40], "prime": ["text": "the 猫"]]))
    #expect(answer.status == 200, "\(answer.text)")
    let texts = try #require(answer.json["texts"] as? [String], "\(answer.text)")
    #expect(texts[0].hasPrefix("the 猫") && texts[0] == cli.stdout.trimmingCharacters(in: .newlines))
  }

  /// Notes and audio: the files their playground options ask for (the .mid with its piano roll
  /// and FluidSynth rendering; the clip with its waveform), each served back; a SoundFont path
  /// from the client is refused, and so is a prime upload that is not the domain's format.
  @Test func notesAndAudioMakeTheirFilesInTheServersFolder() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let notes = try CLI.run(
      ["train", "notes", "--data", NotesAugmentationCLITests.midi, "--out", box.path("midi"), "--steps", "4"]
        + NotesAugmentationCLITests().small)
    try #require(notes.succeeded, "\(notes)")
    let audio = try CLI.run(
      ["train", "audio", "--data", AudioAugmentationCLITests.clip, "--out", box.path("speech"), "--steps", "3"]
        + AudioAugmentationCLITests().small)
    try #require(audio.succeeded, "\(audio)")
    let server = try Server([box.path("midi"), box.path("speech")])
    defer { server.stop() }
    let runs = try JSONSerialization.jsonObject(with: try Self.request(server.port, "GET", "/api/runs").body)
    let options = (runs as? [[String: Any]])?.map {
      ($0["options"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
    }
    #expect(options?[0].contains("pianoRoll") == true && options?[1].contains("waveform") == true, "\(runs)")
    #expect(options?[0].contains("soundfont") == false, "the server renders with its own SoundFont: \(runs)")

    let piece = try Self.request(
      server.port, "POST", "/api/runs/midi/generate",
      body: Self.json(["options": ["seconds": 2, "pianoRoll": "../../roll.svg", "render": "render.wav"]]))
    #expect(piece.status == 200, "\(piece.text)")
    let names = (piece.json["files"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
    #expect(names == ["notes.mid", "render.wav", "roll.svg"], "\(piece.text)")
    for file in piece.json["files"] as? [[String: Any]] ?? [] {
      let got = try Self.request(server.port, "GET", file["url"] as? String ?? "")
      #expect(got.status == 200 && got.body.count > 20, "\(file)")
    }
    #expect(!FileManager.default.fileExists(atPath: box.path("roll.svg")))
    let refused = try Self.request(
      server.port, "POST", "/api/runs/midi/generate", body: Self.json(["options": ["soundfont": "/etc/passwd"]]))
    #expect(refused.status == 400 && (refused.json["error"] as? String)?.contains("soundfont") == true)
    let notMIDI = try Self.request(
      server.port, "POST", "/api/runs/midi/generate",
      body: Self.json(["prime": ["name": "prime.mid", "base64": Data("not a midi file".utf8).base64EncodedString()]]))
    #expect(notMIDI.status == 400, "\(notMIDI.text)")
    // The controls a notes run learns by default, with the command line's refusals.
    #expect(options?[0].contains("density") == true && options?[0].contains("key") == true, "\(runs)")
    let steered = try Self.request(
      server.port, "POST", "/api/runs/midi/generate",
      body: Self.json(["options": ["seconds": 2, "density": "3", "key": "D minor", "dynamics": "soft"]]))
    #expect(steered.status == 200, "\(steered.text)")
    let badKey = try Self.request(
      server.port, "POST", "/api/runs/midi/generate", body: Self.json(["options": ["key": "H minor"]]))
    #expect(badKey.status == 400 && (badKey.json["error"] as? String)?.contains("key") == true, "\(badKey.text)")

    let clip = try Self.request(
      server.port, "POST", "/api/runs/speech/generate",
      body: Self.json(["options": ["seconds": 0.2, "waveform": "waveform.svg"]]))
    #expect(clip.status == 200, "\(clip.text)")
    let clipFiles = (clip.json["files"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
    #expect(clipFiles == ["clip.wav", "waveform.svg"], "\(clip.text)")
    #expect((clip.json["figures"] as? [String: Any])?["realTimeFactor"] != nil, "\(clip.text)")
  }

  /// Seeded random mutations of a valid body (bytes flipped, inserted, cut): every answer is
  /// a result or a client error, never a crash or a hang.
  @Test func mutatedBodiesNeverBreakTheServer() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, _) = try Self.runs(in: box)
    let server = try Server([text, "--time-limit", "2"])
    defer { server.stop() }
    let valid = Array(
      #"{"request":{"seed":1,"count":2,"checkpoint":"latest","controls":{"temperature":0.8,"topK":5}},"options":{"length":8,"skipUnknown":true},"prime":{"text":"the cat"}}"#
        .utf8)
    var rng = SeededGenerator(seed: 2026)
    var statuses: [Int: Int] = [:]
    for _ in 0..<300 {
      var body = valid
      for _ in 0...Int(rng.next() % 3) {
        let at = Int(rng.next() % UInt64(body.count))
        switch rng.next() % 4 {
        case 0: body[at] = UInt8(truncatingIfNeeded: rng.next())
        case 1: body.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
        case 2: body.removeSubrange(at..<min(body.count, at + Int(rng.next() % 8) + 1))
        default: body.insert(contentsOf: body[at..<min(body.count, at + 12)], at: at)
        }
        if body.isEmpty { body = valid }
      }
      let answer = try Self.request(server.port, "POST", "/api/runs/shakespeare/generate", body: Data(body))
      statuses[answer.status, default: 0] += 1
      #expect(
        [200, 400, 503].contains(answer.status),
        "\(String(decoding: body, as: UTF8.self)) → \(answer.status) \(answer.text)")
    }
    #expect((statuses[400] ?? 0) > 50 && (statuses[200] ?? 0) > 0, "\(statuses)")
    #expect(try Self.request(server.port, "GET", "/api/runs").status == 200)
  }

  /// Starting fails at once with one line: a port in use, a host that is not an address, no run.
  @Test func aServerThatCannotStartSaysWhyAtOnce() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, _) = try Self.runs(in: box)
    let first = try Server([text])
    defer { first.stop() }
    let started = Date()
    expectCleanFailure(try CLI.run(["serve", text, "--port", String(first.port)], timeout: 30), mentions: ["in use"])
    #expect(Date().timeIntervalSince(started) < 5)
    expectCleanFailure(try CLI.run(["serve", text, "--host", "bogus", "--port", "0"]), mentions: ["--host", "bogus"])
    expectCleanFailure(try CLI.run(["serve", box.path("nothing"), "--port", "0"]), mentions: ["nothing"])
  }

  /// Every hostile request gets a 4xx with a one-line JSON error, and the server goes on serving.
  @Test func hostileRequestsGetClientErrorsAndTheServerKeepsServing() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, hw) = try Self.runs(in: box)
    let server = try Server([text, hw, "--max-body", "65536", "--max-count", "4"])
    defer { server.stop() }
    let generate = "/api/runs/shakespeare/generate"
    let cases: [(String, String, Data?, Int)] = [
      ("GET", "/../../etc/passwd", nil, 404),
      ("GET", "/%2e%2e/%2e%2e/etc/passwd", nil, 404),
      ("GET", "/api/files/r1/..%2f..%2fmanifest.json", nil, 404),
      ("GET", "/api/files/nothing/model.safetensors", nil, 404),
      ("GET", "/api/runs/shakespeare/../../../etc/passwd", nil, 404),
      ("POST", "/api/runs/nobody/generate", Data("{}".utf8), 404),
      ("GET", generate, nil, 400),
      ("POST", generate, Data("{\"request\":".utf8), 400),
      ("POST", generate, Data("[1, 2]".utf8), 400),
      ("POST", generate, Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]), 400),
      ("POST", generate, Self.json(["request": ["seed": "x"]]), 400),
      ("POST", generate, Self.json(["request": ["seed": -1]]), 400),
      ("POST", generate, Self.json(["request": ["count": 5]]), 400),
      ("POST", generate, Self.json(["request": ["controls": ["temperature": 0]]]), 400),
      ("POST", generate, Self.json(["request": ["controls": ["temprature": 1]]]), 400),
      ("POST", generate, Self.json(["request": ["primeFile": "/etc/passwd"]]), 400),
      ("POST", generate, Self.json(["options": ["length": -3]]), 400),
      ("POST", generate, Self.json(["options": ["length": 1e30]]), 400),
      ("POST", generate, Self.json(["options": ["lenght": 3]]), 400),
      ("POST", generate, Self.json(["prime": ["text": "\u{1F600} not in the corpus"]]), 400),
      ("POST", generate, Self.json(["prime": ["name": "x.txt", "base64": "***"]]), 400),
      ("POST", "/api/runs/hw/generate", Self.json(["prime": ["name": "line.inkml", "base64": "bm90IGlua21s"]]), 400),
      ("POST", "/api/runs/hw/generate", Self.json(["request": ["controls": ["topK": 3]]]), 400),
      ("POST", "/api/runs/hw/generate", Self.json(["options": ["text": "ab", "style": "/etc/passwd"]]), 400),
      ("POST", "/api/runs/hw/generate", Self.json(["options": ["textFile": "/etc/passwd"]]), 400),
      ("POST", generate, Data(repeating: 0x20, count: 70_000), 413),
    ]
    for (method, path, body, status) in cases {
      let answer = try Self.request(server.port, method, path, body: body)
      #expect(
        answer.status == status,
        "\(method) \(path) \(body.map { String(decoding: $0.prefix(80), as: UTF8.self) } ?? ""): \(answer.status) \(answer.text)"
      )
      let message = answer.json["error"] as? String
      #expect(message != nil && !message!.contains("\n"), "\(path): \(answer.text)")
    }
    // An error names a setting the way this front end spells it: the field of the request body
    // (the command line says --length and --temperature for the same values).
    let spelled = [
      (["options": ["length": -3]], "`options.length`"),
      (["request": ["controls": ["temperature": 0]]], "`request.controls.temperature`"),
      (["request": ["count": 5]], "`request.count`"),
      (["options": ["length": "long"]], "`options.length`: expected Int"),
      (["request": ["seed": "x"]], "`request.seed`: expected UInt64"),
    ]
    for (body, field) in spelled {
      let answer = try Self.request(server.port, "POST", generate, body: Self.json(body))
      #expect(answer.status == 400 && (answer.json["error"] as? String)?.contains(field) == true, "\(answer.text)")
      #expect(!answer.text.contains("--"), "\(answer.text)")
    }
    let style = try Self.request(
      server.port, "POST", "/api/runs/hw/generate", body: Self.json(["options": ["strokeWidth": -1]]))
    #expect((style.json["error"] as? String)?.contains("`options.strokeWidth`") == true, "\(style.text)")
    // A body announced larger than the limit is refused before it is read.
    let announced = try Self.request(
      server.port, "POST", generate, headers: ["Content-Length: 999999999", "Content-Type: application/json"])
    #expect(announced.status == 413, "\(announced.text)")
    #expect(try Self.request(server.port, "GET", "/api/runs").status == 200)
  }

  @Test func limitsStopLongGenerationsAndTurnAwayOverflow() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, _) = try Self.runs(in: box)
    let server = try Server([text, "--time-limit", "1.5", "--slots", "1", "--queue", "0"])
    defer { server.stop() }
    let endless = Self.json(["options": ["length": 100_000_000]])
    let started = Date()
    let late = try Self.request(server.port, "POST", "/api/runs/shakespeare/generate", body: endless)
    #expect(late.status == 503 && (late.json["error"] as? String)?.contains("time limit") == true, "\(late.text)")
    #expect(Date().timeIntervalSince(started) < 10)

    // One generation holds the only slot; the next request is turned away at once.
    let port = server.port
    let first = Thread { _ = try? Self.request(port, "POST", "/api/runs/shakespeare/generate", body: endless) }
    first.start()
    usleep(400_000)
    let second = try Self.request(server.port, "POST", "/api/runs/shakespeare/generate", body: Self.json([:]))
    #expect(second.status == 429, "\(second.text)")
    sleep(2)

    // A client that goes away stops its generation: the server's CPU time stops growing.
    _ = try Self.request(server.port, "POST", "/api/runs/shakespeare/stream", body: endless, closeAfter: 2000)
    usleep(300_000)
    let before = server.cpuSeconds
    sleep(1)
    #expect(server.cpuSeconds - before < 0.4, "still generating after the client left")
  }

  /// `/generate` answers only at the end; a client that hangs up before then stops its
  /// generation all the same, long before the time limit, and frees the only slot.
  @Test func aClientThatHangsUpOnGenerateStopsIt() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, _) = try Self.runs(in: box)
    let server = try Server([text, "--time-limit", "60", "--slots", "1", "--queue", "0"])
    defer { server.stop() }
    let endless = Self.json(["options": ["length": 100_000_000]])
    let gone = try Self.request(server.port, "POST", "/api/runs/shakespeare/generate", body: endless, hangUpAfter: 1)
    #expect(gone.status == 0, "no answer within the second: \(gone.text)")
    usleep(800_000)
    let before = server.cpuSeconds
    sleep(1)
    #expect(server.cpuSeconds - before < 0.4, "still generating after the client left")
    let next = try Self.request(server.port, "POST", "/api/runs/shakespeare/generate", body: Self.json([:]))
    #expect(next.status == 200, "\(next.text)")
  }

  /// The page in headless Chromium, driven through the DevTools protocol: its own controls
  /// stream a result into it.
  @Test func thePageGeneratesInAHeadlessBrowser() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let (text, hw) = try Self.runs(in: box)
    let writer = try Self.handwritingRun(
      in: box, named: "hwtext", ["--steps", "3", "--condition", "text", "--window-size", "2"])
    let server = try Server([text, hw, writer])
    defer { server.stop() }
    let page = try Self.request(server.port, "GET", "/")
    #expect(page.status == 200 && page.text.contains("SeqGen playground"))
    #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
    #expect(!page.text.contains("http://") && !page.text.contains("https://"), "the page loads nothing from elsewhere")

    // The page's own controls: set the temperature and the length, press Generate.
    let browser = try HeadlessChromium(profile: box.path("chromium"))
    try browser.open("http://127.0.0.1:\(server.port)/")
    #expect(try browser.wait(until: "document.body.dataset.ready", timeout: 30), "the page did not list the runs")
    let panel = "document.querySelector('[data-run=shakespeare]')"
    _ = try browser.evaluate(
      """
      (() => { const p = \(panel);
        p.querySelector('input[name=temperature]').value = '0.6';
        p.querySelector('input[name=length]').value = '300';
        p.querySelector('button.generate').click(); })()
      """)
    #expect(try browser.wait(until: "\(panel).dataset.done", timeout: 60), "no result in the page")
    let shown = try browser.evaluate("\(panel).querySelector('pre.text').textContent") as? String ?? ""
    #expect(shown.count == 300, "the streamed text is in the page: \(shown)")
    let command = try browser.evaluate("\(panel).querySelector('code.command').textContent") as? String ?? ""
    #expect(command.contains("--temperature 0.6") && command.contains("--length 300"), "\(command)")

    // ?generate=ID presses a panel's Generate button: the handwriting is drawn into the page.
    try browser.open("http://127.0.0.1:\(server.port)/?generate=hw")
    let hwPanel = "document.querySelector('[data-run=hw]')"
    #expect(try browser.wait(until: "\(hwPanel) && \(hwPanel).dataset.done", timeout: 60), "no drawing in the page")
    let drawnPoints = try browser.evaluate("\(hwPanel).querySelector('canvas.pen').dataset.points") as? String
    #expect(drawnPoints == "300", "the pen was drawn point by point on the canvas: \(drawnPoints ?? "none")")
    let image = "\(hwPanel).querySelector('img[alt=\"handwriting.svg\"]')"
    #expect(try browser.wait(until: "\(image) && \(image).naturalWidth > 0", timeout: 10), "the SVG is shown")

    // A text-conditioned run: the text typed into its panel is written, and the command says so.
    let writerPanel = "document.querySelector('[data-run=hwtext]')"
    _ = try browser.evaluate(
      """
      (() => { const p = \(writerPanel);
        p.querySelector('input[name=text]').value = 'to be';
        p.querySelector('button.generate').click(); })()
      """)
    #expect(try browser.wait(until: "\(writerPanel).dataset.done", timeout: 60), "no written line in the page")
    let written = try browser.evaluate("\(writerPanel).querySelector('code.command').textContent") as? String ?? ""
    #expect(written.contains("--text 'to be'"), "\(written)")
    let line = "\(writerPanel).querySelector('img[alt=\"handwriting.svg\"]')"
    #expect(try browser.wait(until: "\(line) && \(line).naturalWidth > 0", timeout: 10), "the written line is shown")
    let png = try browser.screenshot()
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
  }
}
