import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// End-to-end tests: the built `seqgen` binary run as a subprocess on tiny corpora.

// MARK: - Running the binary

/// What one run of `seqgen` did.
struct CLIResult: CustomStringConvertible {
  var status: Int32
  var reason: Process.TerminationReason
  var timedOut: Bool
  var stdout: String
  var stderr: String

  var succeeded: Bool { reason == .exit && status == 0 && !timedOut }
  var stderrLines: [String] {
    stderr.split(whereSeparator: \.isNewline).map(String.init).filter {
      !$0.trimmingCharacters(in: .whitespaces).isEmpty
    }
  }
  var stdoutLines: [String] {
    stdout.split(whereSeparator: \.isNewline).map(String.init).filter {
      !$0.trimmingCharacters(in: .whitespaces).isEmpty
    }
  }

  var description: String {
    "exit \(status) (\(reason == .exit ? "exit" : "signal"))\(timedOut ? ", timed out" : "")\n[stdout]\n\(stdout)[stderr]\n\(stderr)"
  }
}

enum CLI {
  /// The `seqgen` executable built beside the test bundle (`.build*/debug/seqgen`).
  static let executable: URL? = {
    let fm = FileManager.default
    var starts = [Bundle.main.bundleURL, Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
      .compactMap { $0?.standardizedFileURL }
    starts += starts.map { $0.resolvingSymlinksInPath() }
    for start in starts {
      var dir = start
      for _ in 0..<12 {
        let candidate = dir.appendingPathComponent("seqgen")
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
          fm.isExecutableFile(atPath: candidate.path)
        {
          return candidate
        }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { break }
        dir = parent
      }
    }
    return nil
  }()

  /// Runs `seqgen args…` with stdin from /dev/null, killing it after `timeout` seconds.
  static func run(_ args: [String], timeout: TimeInterval = 120) throws -> CLIResult {
    let exe = try #require(executable, "the seqgen executable was not found beside the test bundle")
    return try run(exe, args, timeout: timeout)
  }

  /// Runs any program (`mpirun` starting seqgen), with `environment` added to this one's.
  static func run(
    _ exe: URL, _ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 120
  ) throws -> CLIResult {
    let fm = FileManager.default
    let temporary = try TemporaryDirectory("seqgen-io")
    defer { temporary.remove() }
    let io = temporary.url
    let outURL = io.appendingPathComponent("stdout")
    let errURL = io.appendingPathComponent("stderr")
    _ = fm.createFile(atPath: outURL.path, contents: nil)
    _ = fm.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let devNull = try #require(FileHandle(forReadingAtPath: "/dev/null"))
    defer {
      try? out.close()
      try? err.close()
      try? devNull.close()
    }

    let process = Process()
    process.executableURL = exe
    process.arguments = args
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.standardInput = devNull
    process.standardOutput = out
    process.standardError = err
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    var timedOut = false
    if done.wait(timeout: .now() + timeout) == .timedOut {
      timedOut = true
      process.terminate()
      if done.wait(timeout: .now() + 5) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        done.wait()
      }
    }
    process.waitUntilExit()
    return CLIResult(
      status: process.terminationStatus, reason: process.terminationReason, timedOut: timedOut,
      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  }
}

// MARK: - Fixtures

/// A temporary folder holding corpora and runs.
typealias Sandbox = TemporaryDirectory

extension TemporaryDirectory {
  /// A small deterministic corpus (about 900 characters) whose every character appears near the start.
  @discardableResult
  func corpus(_ name: String = "corpus.txt") throws -> String {
    let words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "and", "who", "knew", "it"]
    var lines = [words.joined(separator: " ")]
    var x: UInt64 = 12345
    for _ in 0..<30 {
      var line: [String] = []
      for _ in 0..<6 {
        x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        line.append(words[Int(x >> 33) % words.count])
      }
      lines.append(line.joined(separator: " "))
    }
    return try write(name, lines.joined(separator: "\n") + "\n")
  }

  /// Trains a tiny model on `data` into `run` and requires success.
  @discardableResult
  func train(_ run: String, data: String, steps: Int = 6, extra: [String] = []) throws -> CLIResult {
    let result = try CLI.run(
      ["train", "text", "--data", data, "--out", path(run), "--steps", String(steps)] + tiny + extra)
    try #require(result.succeeded, "training failed: \(result)")
    return result
  }
}

/// Tiny model settings: every run trains in well under a second.
let tiny = [
  "--hidden-size", "8", "--num-layers", "1", "--batch-size", "2", "--seq-length", "8", "--seed", "7",
  "--checkpoint-every", "3",
]

let runFiles = ["manifest.json", "model.safetensors", "best.safetensors", "metrics.jsonl", "loss.svg"]

/// Every file of a run directory and its bytes.
func snapshot(_ dir: String) throws -> [String: Data] {
  var files: [String: Data] = [:]
  for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name != ".lock" {
    files[name] = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(name))
  }
  return files
}

/// A failure the way a user should see it: a normal non-zero exit (no crash, no hang) and one
/// line on stderr, "Error: …", naming what is wrong.
func expectCleanFailure(
  _ result: CLIResult, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(!result.timedOut, "timed out: \(result)", sourceLocation: sourceLocation)
  #expect(result.reason == .exit, "killed by signal \(result.status): \(result)", sourceLocation: sourceLocation)
  #expect(result.status != 0, "expected failure: \(result)", sourceLocation: sourceLocation)
  let lines = result.stderrLines
  #expect(lines.count == 1, "expected one line on stderr: \(result)", sourceLocation: sourceLocation)
  #expect(lines.first?.hasPrefix("Error: ") == true, "\(result)", sourceLocation: sourceLocation)
  #expect(!result.stdout.contains("Error"), "\(result)", sourceLocation: sourceLocation)
  for word in mentions {
    #expect(
      lines.first?.contains(word) == true, "error should mention \(word): \(result)", sourceLocation: sourceLocation)
  }
}

// MARK: - Safetensors surgery

/// A safetensors file split into its JSON header and its data.
struct SafetensorsFile {
  var header: [String: Any]
  var payload: Data

  init(_ url: URL) throws {
    let data = try Data(contentsOf: url)
    try #require(data.count >= 8)
    let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    try #require(8 + length <= data.count)
    header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + length)) as? [String: Any])
    payload = data.subdata(in: 8 + length..<data.count)
  }

  /// The manifest embedded in the metadata, as a JSON object.
  var manifest: [String: Any] {
    get throws {
      let meta = try #require(header["__metadata__"] as? [String: String])
      let text = try #require(meta["seqgen.manifest"])
      return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
  }

  mutating func setManifest(_ manifest: [String: Any]) throws {
    var meta = try #require(header["__metadata__"] as? [String: String])
    meta["seqgen.manifest"] = String(
      decoding: try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]), as: UTF8.self)
    header["__metadata__"] = meta
  }

  /// The tensor entries (names, dtypes, shapes, offsets) without the metadata, as canonical JSON.
  var tensorEntries: Data {
    get throws {
      var entries = header
      entries["__metadata__"] = nil
      return try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys])
    }
  }

  /// The embedded manifest without its wall-clock field, as canonical JSON.
  var manifestWithoutTiming: Data {
    get throws {
      var m = try manifest
      var progress = try #require(m["progress"] as? [String: Any])
      progress["elapsedSeconds"] = nil
      m["progress"] = progress
      return try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys])
    }
  }

  func write(to url: URL) throws {
    var json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    while json.count % 8 != 0 { json.append(0x20) }
    var data = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: json)
    data.append(payload)
    try data.write(to: url)
  }
}

/// Sets `formatVersion` in a JSON manifest file.
func setFormatVersion(_ version: Int, inManifestFile path: String) throws {
  let url = URL(fileURLWithPath: path)
  var m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
  m["formatVersion"] = version
  try JSONSerialization.data(withJSONObject: m, options: [.prettyPrinted, .sortedKeys]).write(to: url)
}

/// Sets `formatVersion` in the manifest embedded in a checkpoint, keeping the file otherwise valid.
func setFormatVersion(_ version: Int, inCheckpoint path: String) throws {
  let url = URL(fileURLWithPath: path)
  var file = try SafetensorsFile(url)
  var m = try file.manifest
  m["formatVersion"] = version
  try file.setManifest(m)
  try file.write(to: url)
}

/// Expects two checkpoints to hold the same tensors bit for bit and the same manifest apart
/// from the wall-clock training time.
func expectSameCheckpoint(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let fa = try SafetensorsFile(URL(fileURLWithPath: a))
  let fb = try SafetensorsFile(URL(fileURLWithPath: b))
  #expect(try fa.tensorEntries == fb.tensorEntries, "tensor entries differ", sourceLocation: sourceLocation)
  #expect(fa.payload == fb.payload, "tensor bytes differ", sourceLocation: sourceLocation)
  #expect(
    try fa.manifestWithoutTiming == fb.manifestWithoutTiming, "embedded manifests differ",
    sourceLocation: sourceLocation)
}

func metrics(_ run: String) throws -> [[String: Any]] {
  let text = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
  return try text.split(separator: "\n").map { line in
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
  }
}

// MARK: - Tests

@Suite struct CLITests {
  @Test func executableIsFound() throws {
    let exe = try #require(CLI.executable)
    let result = try CLI.run(["--version"])
    #expect(result.succeeded, "\(result)")
    #expect(!result.stdout.isEmpty, "\(exe.path)")
  }

  @Test func trainWritesARun() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let result = try box.train("run", data: data, steps: 6, extra: ["--log-every", "1"])
    #expect(result.stdout.contains("done:"))
    let run = box.path("run")
    for name in runFiles { #expect(FileManager.default.fileExists(atPath: run + "/" + name), "\(name) missing") }

    let records = try metrics(run)
    #expect(records.count == 6)
    #expect(records.compactMap { $0["step"] as? Int } == Array(1...6))
    for r in records {
      let loss = try #require(r["trainLoss"] as? Double)
      let bits = try #require(r["trainBits"] as? Double)
      #expect(loss.isFinite && loss > 0)
      #expect(abs(bits - loss / M_LN2) < 1e-9)
    }
    let svg = try String(contentsOfFile: run + "/loss.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg"))
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/manifest.json")))
        as? [String: Any])
    #expect((manifest["progress"] as? [String: Any])?["step"] as? Int == 6)
    #expect(manifest["domain"] as? String == "text")
    // The text domain's own training defaults where no flag is given (TextDomain.trainingDefaults).
    let training = try #require(manifest["training"] as? [String: Any])
    #expect(
      abs((training["learningRate"] as? Double ?? 0) - 8e-3) < 1e-9 && training["lrDecay"] as? Double == 0.5
        && training["lrDecayEvery"] as? Int == 2000, "\(training)")
    // manifest.json is the manifest embedded in the latest checkpoint.
    #expect(
      try SafetensorsFile(URL(fileURLWithPath: run + "/model.safetensors")).manifest["formatVersion"] as? Int == 1)
  }

  @Test func generateIsDeterministicBySeed() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus())
    let run = box.path("run")
    let first = try CLI.run(["generate", run, "--length", "50", "--seed", "3"])
    let again = try CLI.run(["generate", run, "--length", "50", "--seed", "3"])
    let other = try CLI.run(["generate", run, "--length", "50", "--seed", "4"])
    for r in [first, again, other] { try #require(r.succeeded, "\(r)") }
    #expect(first.stdout.unicodeScalars.count >= 50)
    #expect(first.stdout == again.stdout)
    #expect(first.stdout != other.stdout)

    let latest = try CLI.run([
      "generate", run, "--length", "50", "--seed", "3", "--checkpoint", "latest", "--prime", "the cat",
    ])
    #expect(latest.succeeded, "\(latest)")
    #expect(latest.stdout.hasPrefix("the cat"))
  }

  @Test func generateSeveralSamplesToAFile() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus())
    let out = box.path("samples.txt")
    let result = try CLI.run([
      "generate", box.path("run"), "--length", "30", "--count", "3", "--out", out, "--seed", "2",
    ])
    #expect(result.succeeded, "\(result)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    let headers = text.split(separator: "\n").filter { $0.hasPrefix("=== sample") }
    #expect(headers == ["=== sample 1 of 3 ===", "=== sample 2 of 3 ===", "=== sample 3 of 3 ==="])
    #expect(result.stdout.isEmpty)
  }

  @Test func evalAndInspect() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("run", data: data)
    let eval = try CLI.run(["eval", box.path("run"), "--data", data])
    #expect(eval.succeeded, "\(eval)")
    #expect(eval.stdout.contains("bits/char"))
    let inspect = try CLI.run(["inspect", box.path("run")])
    #expect(inspect.succeeded, "\(inspect)")
    #expect(inspect.stdout.contains("parameters"))
    #expect(inspect.stdout.contains("step 6 of 6"))
  }

  @Test func resumeEndsExactlyWhereAStraightRunEnds() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("straight", data: data, steps: 12)
    try box.train("resumed", data: data, steps: 6)
    let resumed = try CLI.run(
      ["train", "text", "--data", data, "--out", box.path("resumed"), "--resume", "--steps", "12"] + tiny)
    try #require(resumed.succeeded, "\(resumed)")
    #expect(resumed.stdout.contains("resuming"))
    let (a, b) = (box.path("straight"), box.path("resumed"))

    // Weights, Adam moments, carried state, cursor, RNG: bit-identical.
    try expectSameCheckpoint(a + "/model.safetensors", b + "/model.safetensors")
    try expectSameCheckpoint(a + "/best.safetensors", b + "/best.safetensors")
    // (The files' bytes differ only in the embedded manifest's wall-clock elapsedSeconds.)
    let la = try metrics(a)
    let lb = try metrics(b)
    #expect(la.map { $0["step"] as? Int } == lb.map { $0["step"] as? Int })
    #expect(la.map { $0["trainLoss"] as? Double } == lb.map { $0["trainLoss"] as? Double })
    #expect(la.map { $0["validationLoss"] as? Double } == lb.map { $0["validationLoss"] as? Double })

    for checkpoint in ["best", "latest"] {
      let ga = try CLI.run(["generate", a, "--length", "60", "--seed", "9", "--checkpoint", checkpoint])
      let gb = try CLI.run(["generate", b, "--length", "60", "--seed", "9", "--checkpoint", checkpoint])
      #expect(ga.succeeded && gb.succeeded, "\(ga)\n\(gb)")
      #expect(ga.stdout == gb.stdout)
    }
  }

  @Test func resumeWithoutDataReadsTheRunsOwnData() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("straight", data: data, steps: 9)
    try box.train("resumed", data: data, steps: 3)
    let resumed = try CLI.run([
      "train", "text", "--out", box.path("resumed"), "--resume", "--steps", "9", "--checkpoint-every", "3",
    ])
    try #require(resumed.succeeded, "\(resumed)")
    try expectSameCheckpoint(box.path("straight") + "/model.safetensors", box.path("resumed") + "/model.safetensors")
  }

  @Test func resumeAtTheRequestedStepIsRefused() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("run", data: data, steps: 6)
    let before = try snapshot(box.path("run"))
    for steps in ["6", "3"] {
      let result = try CLI.run(
        ["train", "text", "--data", data, "--out", box.path("run"), "--resume", "--steps", steps] + tiny)
      expectCleanFailure(result, mentions: ["already at step 6", "--steps"])
    }
    #expect(try snapshot(box.path("run")) == before)
  }

  @Test func resumeOnChangedDataIsRefused() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("run", data: data, steps: 3)
    let before = try snapshot(box.path("run"))
    let other = try box.write(
      "other.txt", try String(contentsOfFile: data, encoding: .utf8).replacingOccurrences(of: "cat", with: "act"))
    let result = try CLI.run(
      ["train", "text", "--data", other, "--out", box.path("run"), "--resume", "--steps", "6"] + tiny)
    expectCleanFailure(result, mentions: ["differs", "resume"])
    #expect(try snapshot(box.path("run")) == before)
  }

  @Test func sameSeedSameRun() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("a", data: data, steps: 9, extra: ["--dropout", "0.25", "--num-layers", "2", "--log-every", "1"])
    try box.train("b", data: data, steps: 9, extra: ["--dropout", "0.25", "--num-layers", "2", "--log-every", "1"])
    try expectSameCheckpoint(box.path("a") + "/model.safetensors", box.path("b") + "/model.safetensors")
    let la = try metrics(box.path("a"))
    let lb = try metrics(box.path("b"))
    #expect(la.count == 9)
    #expect(la.map { $0["trainLoss"] as? Double } == lb.map { $0["trainLoss"] as? Double })

    // A different seed gives different weights.
    try box.train("c", data: data, steps: 9, extra: ["--dropout", "0.25", "--num-layers", "2", "--seed", "8"])
    let fa = try SafetensorsFile(URL(fileURLWithPath: box.path("a") + "/model.safetensors"))
    let fc = try SafetensorsFile(URL(fileURLWithPath: box.path("c") + "/model.safetensors"))
    #expect(fa.payload != fc.payload)
  }

  // MARK: Bad input: one clear line, a normal exit, nothing damaged

  @Test func missingDataFile() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let missing = box.path("nope.txt")
    let result = try CLI.run(["train", "text", "--data", missing, "--out", box.path("run"), "--steps", "2"] + tiny)
    expectCleanFailure(result, mentions: [missing, "no such file"])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test func directoryWithoutTextFiles() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.write("data/sub/table.csv", "a,b\n1,2\n")
    try box.write("bin/logo.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 13])
    let narrowed = try CLI.run(
      ["train", "text", "--data", box.path("data"), "--out", box.path("run"), "--steps", "2", "--ext", "txt"] + tiny)
    expectCleanFailure(narrowed, mentions: [box.path("data"), "no text files (.txt)"])
    let binary = try CLI.run(
      ["train", "text", "--data", box.path("bin"), "--out", box.path("run"), "--steps", "2"] + tiny)
    expectCleanFailure(binary, mentions: [box.path("bin"), "no UTF-8 text file", "1 file skipped", "--ext"])
  }

  @Test func emptyCorpus() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let empty = try box.write("empty.txt", "")
    let result = try CLI.run(["train", "text", "--data", empty, "--out", box.path("run"), "--steps", "2"] + tiny)
    expectCleanFailure(result, mentions: [empty, "empty corpus"])
  }

  @Test func invalidUTF8() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let bad = try box.write("bad.txt", Array("hello".utf8) + [0xFF] + Array(" world".utf8))
    let result = try CLI.run(["train", "text", "--data", bad, "--out", box.path("run"), "--steps", "2"] + tiny)
    expectCleanFailure(result, mentions: [bad, "invalid UTF-8", "byte offset 5"])
  }

  @Test func corpusShorterThanOneBatch() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let short = try box.write("short.txt", "ababababab")
    let result = try CLI.run([
      "train", "text", "--data", short, "--out", box.path("run"), "--batch-size", "32", "--seq-length", "50",
    ])
    expectCleanFailure(result, mentions: ["--batch-size", "--seq-length"])
  }

  @Test(arguments: [
    (["--hidden-size", "0"], "--hidden-size"),
    (["--num-layers", "0"], "--num-layers"),
    (["--steps", "0"], "--steps"),
    (["--dropout", "1"], "--dropout"),
    (["--learning-rate", "nan"], "--learning-rate"),
    (["--val-fraction", "0.9"], "--val-fraction"),
    (["--val-split", "middle"], "--val-split"),
  ])
  func trainingFlagOutOfRange(flag: [String], name: String) throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    let result = try CLI.run(["train", "text", "--data", data, "--out", box.path("run")] + tiny + flag)
    expectCleanFailure(result, mentions: [name])
    #expect(!FileManager.default.fileExists(atPath: box.path("run")))
  }

  @Test(arguments: [
    (["--temperature", "-1"], "--temperature"),
    (["--temperature=-1"], "--temperature"),
    (["--temperature", "0"], "--temperature"),
    (["--top-p", "1.5"], "--top-p"),
    (["--top-p", "0"], "--top-p"),
    (["--length", "0"], "--length"),
    (["--count", "0"], "--count"),
  ])
  func generateFlagOutOfRange(flag: [String], name: String) throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    let result = try CLI.run(["generate", box.path("run")] + flag)
    expectCleanFailure(result, mentions: [name])
  }

  /// Without a run there is no domain to parse the flags: one clean line, not the help.
  @Test func generateWithoutARunDirectory() throws {
    expectCleanFailure(try CLI.run(["generate"]), mentions: ["<run-dir>"])
  }

  /// A run's domain picks the flags: another domain's flag is refused by the parser, naming both.
  @Test func generateRefusesAFlagOfAnotherDomain() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    for flag in ["--bias", "--seconds", "--strokes", "--sharpen-above=-40"] {
      let result = try CLI.run(["generate", box.path("run"), flag] + (flag.contains("=") ? [] : ["1"]))
      expectCleanFailure(result, mentions: [flag.split(separator: "=")[0].description, "not a flag of text runs"])
    }
  }

  /// A setting's error names it the way the command line spells it (the playground's API says
  /// `options.length` for the same value: ServeTests), for one bad value per domain.
  @Test func errorsNameSettingsAsFlags() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    let cases: [([String], String)] = [
      (["generate", box.path("run"), "--length=-3"], "--length"),
      (["train", "audio", "--data", fixture("audio/speech"), "--out", box.path("a"), "--rate", "5"], "--rate must be"),
      (
        ["train", "notes", "--data", fixture("notes/openmsx"), "--out", box.path("n"), "--velocity-bins", "200"],
        "--velocity-bins must be"
      ),
      (
        [
          "train", "handwriting", "--data", fixture("handwriting/hershey-lines"), "--out", box.path("h"),
          "--components", "0",
        ],
        "--components must be"
      ),
    ]
    for (args, flag) in cases {
      let result = try CLI.run(args)
      expectCleanFailure(result, mentions: [flag])
      #expect(!result.stderr.contains("`"), "\(result)")
    }
    for dir in ["a", "n", "h"] { #expect(!FileManager.default.fileExists(atPath: box.path(dir))) }
  }

  /// A folder of source code trains as it is: every UTF-8 text file, binary files skipped and
  /// said, `--ext` narrowing it, whole files held out when there are many.
  @Test func aFolderOfSourceCodeTrains() throws {
    let box = try Sandbox()
    defer { box.remove() }
    for n in 0..<12 {
      try box.write("pkg/mod\(n).py", String(repeating: "def f\(n)(x):\n    return x + \(n)\n\n", count: 40))
    }
    try box.write("pkg/README.md", String(repeating: "A package.\n", count: 40))
    try box.write("pkg/logo.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 13])
    let small = ["--steps", "2", "--hidden-size", "16", "--num-layers", "1", "--batch-size", "4", "--seq-length", "16"]
    let all = try CLI.run(["train", "text", "--data", box.path("pkg"), "--out", box.path("all")] + small)
    #expect(all.succeeded, "\(all)")
    #expect(
      all.stdout.contains("held-out file") && all.stdout.contains("skipped 1 file that is not UTF-8 text"), "\(all)")
    let py = try CLI.run(["train", "text", "--data", box.path("pkg"), "--out", box.path("py"), "--ext", "py"] + small)
    #expect(py.succeeded && !py.stdout.contains("skipped"), "\(py)")
    let manifest = try RunDirectory(URL(fileURLWithPath: box.path("py"))).manifest()
    guard case .object(let codec) = manifest.codec else {
      Issue.record("codec is not an object")
      return
    }
    #expect(manifest.training.valSplit == .files && codec["extensions"] == .array([.string("py")]), "\(codec)")
    expectCleanFailure(
      try CLI.run(["train", "text", "--data", box.path("pkg"), "--out", box.path("none"), "--ext", "rs"] + small),
      mentions: ["no text files (.rs)"])
    expectCleanFailure(
      try CLI.run(["train", "text", "--data", box.path("pkg"), "--out", box.path("bad"), "--ext", ","] + small),
      mentions: ["--ext"])
  }

  /// A corpus smaller than one batch is refused in the domain's unit, singular or plural, with
  /// the settings to change, and no run folder is left behind.
  @Test func aCorpusSmallerThanOneBatchSaysSoInTheDomainsUnit() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.write("one.txt", "ab")
    try box.write("few.txt", String(repeating: "abcdefghij\n", count: 30))
    let one = try CLI.run(["train", "text", "--data", box.path("one.txt"), "--out", box.path("r1")])
    expectCleanFailure(
      one, mentions: ["the training corpus has 1 char,", "1,600 chars", "--batch-size", "--seq-length"])
    let few = try CLI.run(["train", "text", "--data", box.path("few.txt"), "--out", box.path("r2")])
    expectCleanFailure(few, mentions: ["chars, fewer than one batch"])
    #expect(
      !FileManager.default.fileExists(atPath: box.path("r1")) && !FileManager.default.fileExists(atPath: box.path("r2"))
    )
  }

  /// The parser's suggestion comes after the domain's refusal.
  @Test func aMistypedFlagIsRefusedWithTheDomainThenTheSuggestion() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    let result = try CLI.run(["generate", box.path("run"), "--outt", "x.txt"])
    expectCleanFailure(result, mentions: ["Unknown option '--outt': not a flag of text runs", "Did you mean '--out'?"])
  }

  @Test func generateOnADirectoryThatIsNotARun() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.write("notarun/readme.txt", "hello")
    let result = try CLI.run(["generate", box.path("notarun")])
    expectCleanFailure(result, mentions: [box.path("notarun"), "not a SeqGen run"])
    let missing = try CLI.run(["inspect", box.path("missing")])
    expectCleanFailure(missing, mentions: [box.path("missing"), "not a SeqGen run"])
  }

  @Test func newerManifestJSONIsRefused() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    let manifest = box.path("run") + "/manifest.json"
    try setFormatVersion(99, inManifestFile: manifest)
    let before = try snapshot(box.path("run"))
    for args in [["generate", box.path("run")], ["eval", box.path("run"), "--data", box.path("corpus.txt")]] {
      expectCleanFailure(try CLI.run(args), mentions: [manifest, "newer", "99"])
    }
    #expect(try snapshot(box.path("run")) == before)
  }

  @Test func newerManifestInsideTheCheckpointIsRefused() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("run", data: data, steps: 3)
    let run = box.path("run")
    // manifest.json stays valid, so the quick check passes; the checkpoints' own manifests
    // (the authority) say format 99.
    try setFormatVersion(99, inCheckpoint: run + "/model.safetensors")
    try setFormatVersion(99, inCheckpoint: run + "/best.safetensors")
    #expect(
      try SafetensorsFile(URL(fileURLWithPath: run + "/model.safetensors")).manifest["formatVersion"] as? Int == 99)
    let before = try snapshot(run)
    expectCleanFailure(try CLI.run(["inspect", run]), mentions: [run + "/model.safetensors", "newer"])
    expectCleanFailure(try CLI.run(["generate", run]), mentions: [run + "/best.safetensors", "newer"])
    expectCleanFailure(
      try CLI.run(["train", "text", "--data", data, "--out", run, "--resume", "--steps", "6"] + tiny),
      mentions: [run + "/model.safetensors", "newer"])
    #expect(try snapshot(run) == before)
  }

  @Test func truncatedCheckpoint() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("run", data: data, steps: 3)
    let run = box.path("run")
    let model = URL(fileURLWithPath: run + "/model.safetensors")
    let bytes = try Data(contentsOf: model)
    try bytes.prefix(bytes.count / 2).write(to: model)
    let before = try snapshot(run)
    for args in [
      ["inspect", run],
      ["generate", run, "--checkpoint", "latest"],
      ["eval", run, "--data", data, "--checkpoint", "latest"],
      ["train", "text", "--data", data, "--out", run, "--resume", "--steps", "6"] + tiny,
    ] {
      expectCleanFailure(try CLI.run(args), mentions: [model.path, "corrupt"])
    }
    // Nothing was rewritten, repaired or removed.
    #expect(try snapshot(run) == before)
    // The intact best checkpoint still generates.
    let best = try CLI.run(["generate", run, "--length", "10"])
    #expect(best.succeeded, "\(best)")
  }

  @Test(arguments: [UInt64(1) << 60, UInt64.max, 0])
  func hugeHeaderLength(claim: UInt64) throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    let run = box.path("run")
    let model = URL(fileURLWithPath: run + "/model.safetensors")
    var bytes = try Data(contentsOf: model)
    withUnsafeBytes(of: claim.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
    try bytes.write(to: model)
    let start = Date()
    let result = try CLI.run(["inspect", run], timeout: 60)
    expectCleanFailure(result, mentions: [model.path, "corrupt"])
    #expect(Date().timeIntervalSince(start) < 30)
  }

  @Test func primeCharacterNotInVocabulary() throws {
    let box = try Sandbox()
    defer { box.remove() }
    try box.train("run", data: try box.corpus(), steps: 3)
    let run = box.path("run")
    let refused = try CLI.run(["generate", run, "--prime", "the Zcat", "--length", "10"])
    expectCleanFailure(refused, mentions: ["'Z'", "--prime", "--skip-unknown"])

    let skipped = try CLI.run(["generate", run, "--prime", "the Zcat", "--length", "10", "--skip-unknown"])
    #expect(skipped.succeeded, "\(skipped)")
    #expect(skipped.stdout.hasPrefix("the cat"))
    #expect(skipped.stderr.contains("'Z'"))

    let primeFile = try box.write("prime.txt", "cat Q")
    expectCleanFailure(try CLI.run(["generate", run, "--prime-file", primeFile]), mentions: [primeFile, "'Q'"])
  }

  @Test func trainingIntoAnExistingRunIsRefused() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let data = try box.corpus()
    try box.train("run", data: data, steps: 3)
    let before = try snapshot(box.path("run"))
    let result = try CLI.run(["train", "text", "--data", data, "--out", box.path("run"), "--steps", "6"] + tiny)
    expectCleanFailure(result, mentions: [box.path("run"), "--resume"])
    #expect(try snapshot(box.path("run")) == before)
  }

  @Test func aCharacterOnlyInTheValidationTailIsNotAnError() throws {
    let box = try Sandbox()
    defer { box.remove() }
    // The only newline is the last character, so it lands in the held-out validation part.
    let data = try box.write("oneline.txt", String(repeating: "the cat sat on the mat ", count: 40) + "\n")
    let result = try CLI.run(["train", "text", "--data", data, "--out", box.path("run"), "--steps", "3"] + tiny)
    #expect(result.succeeded, "\(result)")
  }
}

/// A path under the repository's `fixtures/`.
func fixture(_ path: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures").appendingPathComponent(path).path
}
