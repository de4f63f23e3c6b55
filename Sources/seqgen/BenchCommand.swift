import ArgumentParser
import Foundation
import SeqGenEngine
import TextDomain

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure training and generation speed (build with -c release).",
    subcommands: [BenchText.self]
  )
}

/// The char-LSTM benchmark: SeqGen and the PyTorch peer on the same data and settings, in one
/// invocation, so the ratios compare like with like on a noisy shared machine.
struct BenchText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract: "Char-LSTM training chars/s, validation bits/char and batch-1 generation ms/char, beside PyTorch.",
    discussion: """
      Configurations are LAYERS×HIDDEN×BATCH. For each: --warmup untimed then --steps timed
      training steps (one-hot input, Adam 2e-3, clip 5, no dropout, seq-length 100), validation
      on the last 5% of the file, then batch-1 generation (median of 3 runs of --gen-chars).
      When `import torch` works in --peer-python, scripts/peers/torch_char_lstm.py runs the same
      configuration and the table shows SeqGen/PyTorch ratios.
      Example: swift run -c release seqgen bench text
      """
  )

  @Option(help: "Text file to train on.") var data = "fixtures/text/shakespeare.txt"
  @Option(parsing: .upToNextOption, help: "Configurations, LAYERS×HIDDEN×BATCH (x also accepted).")
  var configs = ["1x128x32", "2x256x32", "2x512x64"]
  @Option(help: "Steps per chunk.") var seqLength = 100
  @Option(help: "Untimed warm-up steps (default 20, or 10 for hidden ≥ 512).") var warmup: Int?
  @Option(help: "Timed training steps (default 480, or 240 for hidden ≥ 512).") var steps: Int?
  @Option(help: "Characters per timed generation run.") var genChars = 2000
  @Option(help: "Python that can import torch (default: $SEQGEN_PEER_PYTHON, ~/.venvs/peer/bin/python, python3).")
  var peerPython: String?
  @Option(help: "The PyTorch peer script.") var peerScript = "scripts/peers/torch_char_lstm.py"
  @Flag(help: "Do not run the PyTorch peer.") var noPeer = false

  struct Config {
    var layers, hidden, batch: Int
    var name: String { "\(layers)×\(hidden) b\(batch)" }
  }

  func parsedConfigs() throws -> [Config] {
    try configs.map { text in
      let parts = text.replacingOccurrences(of: "×", with: "x").split(separator: "x").compactMap { Int($0) }
      guard parts.count == 3, parts.allSatisfy({ $0 > 0 }) else {
        throw ValidationError("bad configuration '\(text)': expected LAYERS×HIDDEN×BATCH, e.g. 2x256x32")
      }
      return Config(layers: parts[0], hidden: parts[1], batch: parts[2])
    }
  }

  func validate() throws {
    _ = try parsedConfigs()
    guard seqLength >= 1, genChars >= 1, (warmup ?? 0) >= 0, (steps ?? 1) >= 1 else {
      throw ValidationError("--seq-length, --steps and --gen-chars must be positive")
    }
  }

  struct Row {
    var config: Config
    var charsPerSecond, validationBits, genMs: Double
    var peer: [String: Any]?
  }

  func run() throws {
    #if DEBUG
      Console.warn("warning: this is a debug build; benchmark a release build (swift build -c release)")
    #endif
    Console.line("BLAS: OpenBLAS core \(BLAS.coreName), \(BLAS.threads) threads, \(BLAS.config)")
    let python = noPeer ? nil : findPeerPython()
    if !noPeer && python == nil {
      Console.line("PyTorch peer: skipped (no Python that can import torch; set --peer-python)")
    }
    let domain = TextDomain()
    let sequences = try domain.read([URL(fileURLWithPath: data)])
    var rows: [Row] = []
    for config in try parsedConfigs() {
      let big = config.hidden >= 512
      let (w, n) = (warmup ?? (big ? 10 : 20), steps ?? (big ? 240 : 480))
      var row = try measure(config, domain: domain, sequences: sequences, warmup: w, steps: n)
      Console.line(String(format: "SeqGen  %@: %.0f chars/s, val %.4f bits/char after %d steps, gen %.3f ms/char", config.name, row.charsPerSecond, row.validationBits, w + n, row.genMs))
      if let python {
        row.peer = runPeer(python, config, warmup: w, steps: n)
        if let p = row.peer {
          Console.line(String(format: "PyTorch %@: %.0f chars/s, val %.4f bits/char, gen %.3f ms/char (oneDNN) / %.3f (ATen)", config.name,
            p["chars_per_s"] as? Double ?? .nan, p["val_bits"] as? Double ?? .nan,
            p["gen_ms_per_char"] as? Double ?? .nan, p["gen_ms_per_char_native"] as? Double ?? .nan))
        }
      }
      rows.append(row)
    }
    Console.line("")
    Console.line("| config | SeqGen chars/s | PyTorch chars/s | ratio | SeqGen val bits/char | PyTorch val bits/char | SeqGen gen ms/char | PyTorch gen ms/char (best) | PyTorch/SeqGen gen |")
    Console.line("|---|---|---|---|---|---|---|---|---|")
    for r in rows {
      let pc = r.peer?["chars_per_s"] as? Double
      let pv = r.peer?["val_bits"] as? Double
      let pg = [r.peer?["gen_ms_per_char"] as? Double, r.peer?["gen_ms_per_char_native"] as? Double].compactMap { $0 }.min()
      func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "–" }
      Console.line("| \(r.config.name) | \(f(r.charsPerSecond, "%.0f")) | \(f(pc, "%.0f")) | \(f(pc.map { r.charsPerSecond / $0 }, "%.2f×")) | \(f(r.validationBits, "%.4f")) | \(f(pv, "%.4f")) | \(f(r.genMs, "%.3f")) | \(f(pg, "%.3f")) | \(f(pg.map { $0 / r.genMs }, "%.2f×")) |")
    }
  }

  private func measure(_ c: Config, domain: TextDomain, sequences: [SourceSequence<Unicode.Scalar>], warmup: Int, steps: Int) throws -> Row {
    var o = TrainingOptions()
    o.numLayers = c.layers
    o.hiddenSize = c.hidden
    o.batchSize = c.batch
    o.seqLength = seqLength
    o.steps = warmup + steps
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seqgen-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let trainer = try Trainer(domain: domain, sequences: sequences, dataPaths: [data], options: o, run: RunDirectory(dir), resume: false)
    for _ in 0..<warmup { _ = trainer.trainStep() }
    let start = ContinuousClock.now
    for _ in 0..<steps { _ = trainer.trainStep() }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    let validation = trainer.validationLoss.bitsPerStep
    let generator = Generator(domain: domain, codec: trainer.codec, config: trainer.model.config, params: trainer.model.params)
    _ = try generator.generate(prime: ["\n"], length: 50, count: 1, controls: SamplingControls(), seed: 0)
    var runs: [Double] = []
    for rep in 0..<3 {
      let t0 = ContinuousClock.now
      _ = try generator.generate(prime: ["\n"], length: genChars, count: 1, controls: SamplingControls(), seed: UInt64(rep))
      runs.append((ContinuousClock.now - t0) / .seconds(1) * 1000 / Double(genChars))
    }
    return Row(config: c, charsPerSecond: Double(steps * c.batch * seqLength) / seconds, validationBits: validation, genMs: runs.sorted()[1], peer: nil)
  }

  private func findPeerPython() -> String? {
    var candidates: [String] = []
    if let p = peerPython { candidates = [p] } else {
      if let env = ProcessInfo.processInfo.environment["SEQGEN_PEER_PYTHON"] { candidates.append(env) }
      candidates += [NSHomeDirectory() + "/.venvs/peer/bin/python", "python3"]
    }
    return candidates.first { (try? Self.shell([$0, "-c", "import torch"]))?.status == 0 }
  }

  private func runPeer(_ python: String, _ c: Config, warmup: Int, steps: Int) -> [String: Any]? {
    let args = [python, peerScript, "--data", data, "--layers", "\(c.layers)", "--hidden", "\(c.hidden)", "--batch", "\(c.batch)",
      "--seq-len", "\(seqLength)", "--warmup", "\(warmup)", "--steps", "\(steps)", "--gen-chars", "\(genChars)", "--threads", "2", "--json", "-"]
    guard let result = try? Self.shell(args), result.status == 0,
      let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else {
      Console.line("PyTorch \(c.name): peer run failed")
      return nil
    }
    return object
  }

  private static func shell(_ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
