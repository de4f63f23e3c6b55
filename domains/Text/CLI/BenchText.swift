import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine
import TextDomain

/// The char-LSTM benchmark: SeqGen and the PyTorch peer on the same data and settings, in one
/// invocation, so the ratios compare like with like on a noisy shared machine.
struct BenchText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract: "Char-LSTM training chars/s, validation bits/char and batch-1 generation ms/char, beside PyTorch.",
    discussion: """
      Configurations are LAYERS×HIDDEN×BATCH. For each: --warmup untimed then \
      --steps timed training steps (one-hot input, Adam 2e-3, clip 5, no \
      dropout, seq-length 100), validation on the last 5% of the file, then \
      batch-1 generation (median of 3 runs of --gen-chars). When `import torch` \
      works in --peer-python, scripts/peers/torch_char_lstm.py runs the same \
      configuration and the table shows SeqGen/PyTorch ratios; --rounds 2 \
      alternates the two twice and keeps each side's best (shared machines are \
      noisy). Peak RSS is the whole process; "of which training" is its growth \
      from just before the trainer is made (the rest is the runtime, libraries \
      and the corpus read).

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
  @Option(
    help:
      "Run each configuration (SeqGen, then the peer) this many times and keep each side's best: on a shared machine, neighbours slow some runs down."
  )
  var rounds = 1
  @Flag(help: "Also print the scaling table: 1 layer, batch 32, hidden 64, 128, 256, 512, 1024 (SeqGen only).")
  var scaling = false

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
    guard seqLength >= 1, genChars >= 1, (warmup ?? 0) >= 0, (steps ?? 1) >= 1, rounds >= 1 else {
      throw ValidationError("--seq-length, --steps, --gen-chars and --rounds must be positive")
    }
  }

  struct Row {
    var config: Config
    var charsPerSecond, validationBits, genMs: Double
    /// Training GFLOP/s (the peer's count: one-hot input as a dense product, backward = 2× forward).
    var gflops: Double
    /// Weight bytes read per generated character / time: the bound of batch-1 generation.
    var genGBps: Double
    /// Peak resident memory while training this configuration; training's own part of it (the
    /// growth over what the process held before the trainer existed: runtime, libraries, the
    /// corpus read); and what that part should be near.
    var peakMB, trainingMB, expectedMB: Double
    var peer: [String: Any]?

    /// Each side's best of two rounds: the higher throughputs, the lower times per character.
    func best(with other: Row) -> Row {
      var row = self
      row.charsPerSecond = max(charsPerSecond, other.charsPerSecond)
      row.gflops = max(gflops, other.gflops)
      row.genMs = min(genMs, other.genMs)
      row.genGBps = max(genGBps, other.genGBps)
      row.peakMB = max(peakMB, other.peakMB)
      row.trainingMB = max(trainingMB, other.trainingMB)
      switch (peer, other.peer) {
      case (nil, let p), (let p, nil): row.peer = p
      case (var a?, let b?):
        func pick(_ key: String, _ better: (Double, Double) -> Double) {
          if let x = a[key] as? Double, let y = b[key] as? Double { a[key] = better(x, y) }
        }
        pick("chars_per_s", max)
        pick("gen_ms_per_char", min)
        pick("gen_ms_per_char_native", min)
        row.peer = a
      }
      return row
    }
  }

  func run() throws {
    #if DEBUG
      Console.warn("warning: this is a debug build; benchmark a release build (swift build -c release)")
    #endif
    // A missing or unreadable --data fails before any measuring.
    let domain = TextDomain()
    let sequences = try domain.read([URL(fileURLWithPath: data)])
    Console.line(
      "BLAS: OpenBLAS core \(BLAS.coreName), \(BLAS.threads) thread(s) per call, SeqGen splits work over \(Parallel.parts) threads; \(BLAS.config)"
    )
    // A shared machine's neighbours slow some moments down: the peak is the best of a
    // measurement before every configuration, so a slow first one cannot inflate the percentages.
    var peak = Self.sgemmPeak()
    Console.line(String(format: "sgemm peak on this machine (1024³, two threads): %.1f GFLOP/s", peak))
    let python = noPeer ? nil : Self.findPeerPython(peerPython)
    if !noPeer && python == nil {
      Console.line("PyTorch peer: skipped (no Python that can import torch; set --peer-python)")
    }
    var rows: [Row] = []
    for config in try parsedConfigs() {
      let big = config.hidden >= 512
      let (w, n) = (warmup ?? (big ? 10 : 20), steps ?? (big ? 240 : 480))
      var best: Row?
      for round in 1...rounds {
        peak = max(peak, Self.sgemmPeak())
        var row = try measure(config, domain: domain, sequences: sequences, warmup: w, steps: n)
        Console.line(
          String(
            format:
              "SeqGen  %@: %.0f chars/s (%.1f GFLOP/s = %.0f%% of sgemm peak), val %.4f bits/char after %d steps, gen %.3f ms/char (%.1f GB/s of weights), peak RSS %.0f MB, of which training %.0f MB (parameters + Adam + one chunk: %.0f MB)%@",
            config.name, row.charsPerSecond, row.gflops, 100 * row.gflops / peak, row.validationBits, w + n, row.genMs,
            row.genGBps, row.peakMB,
            row.trainingMB, row.expectedMB, rounds > 1 ? " [round \(round)]" : ""))
        if let python {
          row.peer = runPeer(python, config, warmup: w, steps: n)
          if let p = row.peer {
            Console.line(
              String(
                format: "PyTorch %@: %.0f chars/s, val %.4f bits/char, gen %.3f ms/char (oneDNN) / %.3f (ATen)",
                config.name,
                p["chars_per_s"] as? Double ?? .nan, p["val_bits"] as? Double ?? .nan,
                p["gen_ms_per_char"] as? Double ?? .nan, p["gen_ms_per_char_native"] as? Double ?? .nan))
          }
        }
        best = best.map { $0.best(with: row) } ?? row
      }
      let row = best!
      rows.append(row)
    }
    peak = max(peak, Self.sgemmPeak())
    Console.line("")
    Console.line(String(format: "sgemm peak, best of all measurements: %.1f GFLOP/s", peak))
    Console.line(
      "| config | SeqGen chars/s | PyTorch chars/s | ratio | SeqGen GFLOP/s (% of peak) | SeqGen val bits/char | PyTorch val bits/char | SeqGen gen ms/char | PyTorch gen ms/char (best) | PyTorch/SeqGen gen | peak RSS MB | of which training (expected) |"
    )
    Console.line("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows {
      let pc = r.peer?["chars_per_s"] as? Double
      let pv = r.peer?["val_bits"] as? Double
      let pg = [r.peer?["gen_ms_per_char"] as? Double, r.peer?["gen_ms_per_char_native"] as? Double].compactMap { $0 }
        .min()
      func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "–" }
      Console.line(
        "| \(r.config.name) | \(f(r.charsPerSecond, "%.0f")) | \(f(pc, "%.0f")) | \(f(pc.map { r.charsPerSecond / $0 }, "%.2f×")) | \(f(r.gflops, "%.1f")) (\(f(100 * r.gflops / peak, "%.0f"))%) | \(f(r.validationBits, "%.4f")) | \(f(pv, "%.4f")) | \(f(r.genMs, "%.3f")) | \(f(pg, "%.3f")) | \(f(pg.map { $0 / r.genMs }, "%.2f×")) | \(f(r.peakMB, "%.0f")) | \(f(r.trainingMB, "%.0f")) (\(f(r.expectedMB, "%.0f"))) |"
      )
    }
    if scaling {
      Console.line("")
      Console.line(
        "Scaling (1 layer, batch 32, seq-length \(seqLength)): where the engine is overhead-bound and where BLAS-bound")
      Console.line("| hidden | train chars/s | train GFLOP/s | gen ms/char | gen GB/s |")
      Console.line("|---|---|---|---|---|")
      for hidden in [64, 128, 256, 512, 1024] {
        let r = try measure(
          Config(layers: 1, hidden: hidden, batch: 32), domain: domain, sequences: sequences, warmup: 3,
          steps: hidden >= 512 ? 20 : 60)
        Console.line(
          String(format: "| %d | %.0f | %.1f | %.3f | %.1f |", hidden, r.charsPerSecond, r.gflops, r.genMs, r.genGBps))
      }
    }
  }

  private func measure(
    _ c: Config, domain: TextDomain, sequences: [SourceSequence<String>], warmup: Int, steps: Int
  ) throws -> Row {
    Memory.resetPeak()
    let baseMB = Memory.residentMB()
    var o = TrainingOptions()
    o.numLayers = c.layers
    o.hiddenSize = c.hidden
    o.batchSize = c.batch
    o.seqLength = seqLength
    o.steps = warmup + steps
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seqgen-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let trainer = try Trainer(
      domain: domain, sequences: sequences, dataPaths: [data], options: o, run: RunDirectory(dir), resume: false)
    for _ in 0..<warmup { _ = try trainer.trainStep() }
    let start = ContinuousClock.now
    for _ in 0..<steps { _ = try trainer.trainStep() }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    let peakMB = Memory.peakMB()
    let validation = trainer.validationLoss.bitsPerStep
    let generator = Generator(
      domain: domain, codec: trainer.codec, config: trainer.model.config, params: trainer.model.params)
    _ = try generator.generate(prime: ["\n"], length: 50, count: 1, controls: SamplingControls(), seed: 0)
    var runs: [Double] = []
    for rep in 0..<3 {
      let t0 = ContinuousClock.now
      _ = try generator.generate(
        prime: ["\n"], length: genChars, count: 1, controls: SamplingControls(), seed: UInt64(rep))
      runs.append((ContinuousClock.now - t0) / .seconds(1) * 1000 / Double(genChars))
    }
    let charsPerSecond = Double(steps * c.batch * seqLength) / seconds
    let genMs = runs.sorted()[1]
    // FLOPs as the peer counts them: gate products 4H·(I + H) per layer with I = V for the
    // one-hot first layer, plus H·V for the decoder; forward 2·MACs, training 3× forward.
    let V = trainer.model.config.outputSize
    let H = c.hidden
    let macs = (0..<c.layers).reduce(0) { $0 + 4 * H * (($1 == 0 ? V : H) + H) } + H * V
    // layer 0's input weights are gathered, not read
    let weightBytes = Double(4 * (trainer.model.params.count - 4 * H * V))
    let rows = Double(c.batch * seqLength)
    let params = Double(trainer.model.params.count)
    let activations = rows * (Double(c.layers) * Double(13 * H) + Double(V + H)) + rows * Double(V + 2 * V)
    return Row(
      config: c, charsPerSecond: charsPerSecond, validationBits: validation, genMs: genMs,
      gflops: 3 * 2 * Double(macs) * charsPerSecond / 1e9, genGBps: weightBytes / (genMs / 1000) / 1e9,
      peakMB: peakMB, trainingMB: peakMB - baseMB, expectedMB: (4 * params + activations) * 4 / 1e6, peer: nil)
  }

  /// The best of five 1024³ sgemm products split over two threads, in GFLOP/s.
  static func sgemmPeak() -> Double {
    let n = 1024
    let a = FloatBuffer(count: n * n)
    let b = FloatBuffer(count: n * n)
    let c = FloatBuffer(count: n * n)
    for i in 0..<(n * n) {
      a[i] = Float(i % 7) * 0.1
      b[i] = Float(i % 5) * 0.1
    }
    var best = Double.infinity
    for _ in 0..<5 {
      let t0 = ContinuousClock.now
      Parallel.split(n) { rows in
        BLAS.gemm(
          m: rows.count, n: n, k: n, a: a.pointer + rows.lowerBound * n, lda: n, b: b.pointer, ldb: n,
          c: c.pointer + rows.lowerBound * n, ldc: n)
      }
      best = min(best, (ContinuousClock.now - t0) / .seconds(1))
    }
    return 2 * Double(n * n * n) / best / 1e9
  }

  /// The Python to run a peer with: `given`, else $SEQGEN_PEER_PYTHON, ~/.venvs/peer/bin/python
  /// or python3, the first that can import torch.
  static func findPeerPython(_ given: String?) -> String? {
    var candidates: [String] = []
    if let p = given {
      candidates = [p]
    } else {
      if let env = ProcessInfo.processInfo.environment["SEQGEN_PEER_PYTHON"] { candidates.append(env) }
      candidates += [NSHomeDirectory() + "/.venvs/peer/bin/python", "python3"]
    }
    return candidates.first { (try? Self.shell([$0, "-c", "import torch"]))?.status == 0 }
  }

  private func runPeer(_ python: String, _ c: Config, warmup: Int, steps: Int) -> [String: Any]? {
    let args = [
      python, peerScript, "--data", data, "--layers", "\(c.layers)", "--hidden", "\(c.hidden)", "--batch", "\(c.batch)",
      "--seq-len", "\(seqLength)", "--warmup", "\(warmup)", "--steps", "\(steps)", "--gen-chars", "\(genChars)",
      "--threads", "2", "--json", "-",
    ]
    guard let result = try? Self.shell(args), result.status == 0,
      let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else {
      Console.line("PyTorch \(c.name): peer run failed")
      return nil
    }
    return object
  }

  static func shell(_ args: [String]) throws -> (status: Int32, output: String) {
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

/// Peak resident memory of this process (Linux /proc), resettable between measurements.
enum Memory {
  static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

  static func peakMB() -> Double { statusMB("VmHWM:") }

  /// Resident memory now.
  static func residentMB() -> Double { statusMB("VmRSS:") }

  private static func statusMB(_ key: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
      let kB = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return .nan }
    return kB / 1024
  }
}
