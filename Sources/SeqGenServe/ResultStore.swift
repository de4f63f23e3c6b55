import Foundation
import SeqGenEngine

/// The results of the playground's generations: one folder each under the server's own
/// temporary folder, the newest `keeping` kept. A file is served only by its result's id and
/// a name this store listed when the generation ended.
actor ResultStore {
  let root: URL
  let keeping: Int
  private var order: [String] = []
  private var files: [String: [String: URL]] = [:]
  private var counter = 0

  init(keeping: Int) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("seqgen-serve-\(UUID().uuidString)")
    do { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) } catch {
      throw PlaygroundError.failed("cannot create the results folder: \(error.localizedDescription)")
    }
    self.keeping = keeping
  }

  deinit { try? FileManager.default.removeItem(at: root) }

  /// A new, empty folder for one generation.
  func open() throws -> (id: String, folder: URL) {
    counter += 1
    let id = "r\(counter)"
    let folder = root.appendingPathComponent(id)
    do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
      throw PlaygroundError.failed("cannot create a result folder: \(error.localizedDescription)")
    }
    order.append(id)
    while order.count > keeping {
      let old = order.removeFirst()
      files[old] = nil
      try? FileManager.default.removeItem(at: root.appendingPathComponent(old))
    }
    return (id, folder)
  }

  /// Lists what the generation wrote (its prime aside) and answers the result the client sees.
  func record(
    _ job: Playground.Job, output: GenerationOutput, settings: [String: JSONValue], reports: [String],
    notices: [String]
  ) throws -> [String: JSONValue] {
    let written = ((try? FileManager.default.contentsOfDirectory(atPath: job.folder.path)) ?? [])
      .filter { !$0.hasPrefix("prime-") && !$0.hasPrefix(".") }
    let main = output.files.first?.lastPathComponent
    let names = (main.map { [$0] } ?? []) + written.sorted().filter { $0 != main }
    files[job.result] = Dictionary(uniqueKeysWithValues: names.map { ($0, job.folder.appendingPathComponent($0)) })
    let local = job.folder.path + "/"
    var result: [String: JSONValue] = [
      "id": .string(job.result),
      "files": .array(
        names.map {
          .object([
            "name": .string($0), "url": .string("/api/files/\(job.result)/\($0)"), "type": .string(Self.type(of: $0)),
          ])
        }),
      "figures": .object(output.figures.mapValues { .number($0) }),
      "reports": .array(reports.map { .string($0.replacingOccurrences(of: local, with: "")) }),
      "notices": .array(notices.map { .string($0.replacingOccurrences(of: local, with: "")) }),
      "command": .string(Self.command(job, settings: settings, out: main)),
    ]
    if let texts = output.texts { result["texts"] = .array(texts.map { .string($0) }) }
    return result
  }

  func file(_ id: String, _ name: String) throws -> (Data, String) {
    guard let url = files[id]?[name], let data = try? Data(contentsOf: url) else {
      throw PlaygroundError.notFound("no file `\(name)` in result `\(id)`")
    }
    return (data, Self.type(of: name))
  }

  static func type(of name: String) -> String {
    switch URL(fileURLWithPath: name).pathExtension.lowercased() {
    case "svg": "image/svg+xml"
    case "png": "image/png"
    case "wav": "audio/wav"
    case "flac": "audio/flac"
    case "ogg": "audio/ogg"
    case "mid", "midi": "audio/midi"
    case "txt": "text/plain; charset=utf-8"
    case "inkml", "xml": "application/xml"
    case "json": "application/json"
    default: "application/octet-stream"
    }
  }

  /// The `seqgen generate` command that makes the same result from the same run.
  static func command(_ job: Playground.Job, settings: [String: JSONValue], out: String?) -> String {
    let r = job.request
    let flag = job.run.flag
    var words = ["seqgen", "generate", quote(job.run.run.url.path)]
    if r.checkpoint != .best { words += ["--checkpoint", r.checkpoint.rawValue] }
    words += ["--seed", String(r.seed)]
    if r.count != 1 { words += ["--count", String(r.count)] }
    let defaults = SamplingControls()
    let c = r.controls
    if c.temperature != defaults.temperature { words += [flag("temperature"), number(Double(c.temperature))] }
    if let k = c.topK { words += [flag("topK"), String(k)] }
    if let p = c.topP { words += [flag("topP"), number(Double(p))] }
    if c.argmax { words.append(flag("argmax")) }
    if let b = c.bias { words += [flag("bias"), number(Double(b))] }
    if let g = c.loudnessGate { words += [flag("loudnessGate"), number(Double(g))] }
    if let text = job.primeText { words += ["--prime", quote(text)] }
    if let name = job.primeName { words += ["--prime-file", quote(name)] }
    var options: [String] = []
    for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
      switch value {
      case .bool(true): options.append(flag(name))
      case .number(let n): options += [flag(name), number(n)]
      case .string(let s): options += [flag(name), quote(s)]
      default: break
      }
    }
    if let out { words += ["--out", quote(out)] }
    return (words + options).joined(separator: " ")
  }

  static func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%g", x)
  }

  static func quote(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,".contains($0) }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
