import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine
import TextDomain

/// The word-level benchmark: PyTorch's word_language_model architecture (embedding → LSTM →
/// tied decoder) trained by SeqGen and by the PyTorch peer on the same tokens, in one invocation.
struct BenchWords: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "words",
    abstract: "Word-level LSTM training tokens/s and chars/s, the decoder's share and memory, beside PyTorch.",
    discussion: """
      The model is PyTorch's word_language_model: an input table, a --layers×--hidden \
      LSTM and a decoder tied to the table (Adam 2e-3, clip 5, no dropout). The corpus is \
      cut into words (--tokens word) and the --vocab most frequent kept; --warmup untimed \
      then --steps timed training steps. "decoder" is the share of a step spent in the \
      decoder and the softmax loss, forward and backward: what a large vocabulary costs. \
      When `import torch` works in --peer-python, scripts/peers/torch_word_lm.py trains \
      the same architecture on the same token ids; --rounds 2 alternates the two twice and \
      keeps each side's best. Peak RSS is the whole process; "training" is its growth from \
      just before the trainer is made, beside parameters + gradients + Adam + one chunk.

      Example: swift run -c release seqgen bench words --vocab 10000
      """
  )

  @Option(parsing: .upToNextOption, help: "Text files to train on.")
  var data = ["fixtures/text/shakespeare.txt"]
  @Option(help: "Classes kept: the most frequent words, <unk> included.") var vocab = 10000
  @Option(help: "LSTM layers.") var layers = 2
  @Option(help: "LSTM hidden units (and the width of the tied table).") var hidden = 512
  @Option(help: "Streams per batch (word_language_model's default 20).") var batchSize = 20
  @Option(help: "Steps per chunk (word_language_model's default 35).") var seqLength = 35
  @Option(help: "Untimed warm-up steps.") var warmup = 5
  @Option(help: "Timed training steps.") var steps = 50
  @Option(help: "Python that can import torch (default: $SEQGEN_PEER_PYTHON, ~/.venvs/peer/bin/python, python3).")
  var peerPython: String?
  @Option(help: "The PyTorch peer script.") var peerScript = "scripts/peers/torch_word_lm.py"
  @Flag(help: "Do not run the PyTorch peer.") var noPeer = false
  @Option(help: "Alternate SeqGen and the peer this many times and keep each side's best.") var rounds = 1

  func validate() throws {
    guard vocab >= 3, layers >= 1, hidden >= 1, batchSize >= 1, seqLength >= 1, warmup >= 0, steps >= 1, rounds >= 1
    else { throw ValidationError("--vocab must be at least 3, and every size, --steps and --rounds positive") }
  }

  struct Measured {
    var tokensPerSecond, decoderShare, validationBits, peakMB, trainingMB: Double
  }

  func run() throws {
    #if DEBUG
      Console.warn("warning: this is a debug build; benchmark a release build (swift build -c release)")
    #endif
    let domain = TextDomain(tokens: .word, maxVocab: vocab)
    let sequences = try domain.read(data.map { URL(fileURLWithPath: $0) })
    var o = TrainingOptions()
    o.numLayers = layers
    o.hiddenSize = hidden
    o.batchSize = batchSize
    o.seqLength = seqLength
    o.tieWeights = true
    o.steps = warmup + steps
    let python = noPeer ? nil : BenchText.findPeerPython(peerPython)
    if !noPeer && python == nil {
      Console.line("PyTorch peer: skipped (no Python that can import torch; set --peer-python)")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqgen-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }

    var best: Measured?
    var peerBest: [String: Any]?
    var classes = 0
    var charsPerToken = 1.0
    var expectedMB = 0.0
    for round in 1...rounds {
      Memory.resetPeak()
      let baseMB = Memory.residentMB()
      let trainer = try Trainer(
        domain: domain, sequences: sequences, dataPaths: data, options: o,
        run: RunDirectory(folder.appendingPathComponent("run\(round)")), resume: false)
      classes = trainer.codec.vocabulary.count
      charsPerToken = 1 / (domain.lossUnit(for: trainer.split.train, codec: trainer.codec)?.stepsPerUnit ?? 1)
      for _ in 0..<warmup { _ = try trainer.trainStep() }
      trainer.model.decoderSeconds = 0
      let start = ContinuousClock.now
      for _ in 0..<steps { _ = try trainer.trainStep() }
      let seconds = (ContinuousClock.now - start) / .seconds(1)
      let peakMB = Memory.peakMB()
      let params = Double(trainer.model.params.count)
      // Values, gradients, two Adam moments; one chunk keeps about 13·H per layer and step and
      // three decoder-wide rows (logits, their gradient, the head's work) per step.
      let rows = Double(batchSize * seqLength)
      expectedMB = (4 * params + rows * (Double(layers * 13 * hidden) + 3 * Double(classes))) * 4 / 1e6
      let measured = Measured(
        tokensPerSecond: Double(steps * batchSize * seqLength) / seconds,
        decoderShare: trainer.model.decoderSeconds / seconds, validationBits: trainer.validationLoss.bitsPerStep,
        peakMB: peakMB, trainingMB: peakMB - baseMB)
      Console.line(
        String(
          format:
            "SeqGen  %d×%d, %d classes: %.0f tokens/s = %.0f chars/s, decoder %.0f%% of a step, val %.3f bits/token after %d steps, peak RSS %.0f MB, training %.0f MB (expected %.0f)%@",
          layers, hidden, classes, measured.tokensPerSecond, measured.tokensPerSecond * charsPerToken,
          100 * measured.decoderShare, measured.validationBits, warmup + steps, peakMB, measured.trainingMB, expectedMB,
          rounds > 1 ? " [round \(round)]" : ""))
      if let b = best {
        best = Measured(
          tokensPerSecond: max(b.tokensPerSecond, measured.tokensPerSecond),
          decoderShare: min(b.decoderShare, measured.decoderShare), validationBits: measured.validationBits,
          peakMB: max(b.peakMB, measured.peakMB), trainingMB: max(b.trainingMB, measured.trainingMB))
      } else {
        best = measured
      }
      if let python {
        let train = folder.appendingPathComponent("train.i32")
        let validation = folder.appendingPathComponent("validation.i32")
        try write(trainer.split.train, codec: trainer.codec, to: train)
        try write(trainer.split.validation, codec: trainer.codec, to: validation)
        let args = [
          python, peerScript, "--tokens", train.path, "--val-tokens", validation.path, "--vocab", "\(classes)",
          "--layers", "\(layers)", "--hidden", "\(hidden)", "--embed", "\(hidden)", "--tied", "--batch", "\(batchSize)",
          "--seq-len", "\(seqLength)", "--warmup", "\(warmup)", "--steps", "\(steps)",
        ]
        if let result = try? BenchText.shell(args), result.status == 0,
          let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
          let p = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        {
          let tps = p["tokens_per_s"] as? Double ?? .nan
          Console.line(
            String(
              format: "PyTorch %@: %.0f tokens/s = %.0f chars/s, decoder %.0f%%, val %.3f bits/token, peak RSS %.0f MB",
              p["torch"] as? String ?? "?", tps, tps * charsPerToken, 100 * (p["decoder_share"] as? Double ?? .nan),
              p["val_bits_per_token"] as? Double ?? .nan, p["peak_rss_mb"] as? Double ?? .nan))
          if tps > (peerBest?["tokens_per_s"] as? Double ?? 0) { peerBest = p }
        } else {
          Console.line("PyTorch: peer run failed")
        }
      }
    }
    guard let s = best else { return }
    let peer = peerBest?["tokens_per_s"] as? Double
    func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "–" }
    Console.line("")
    Console.line(
      "| model | classes | SeqGen tokens/s | chars/s | PyTorch tokens/s | ratio | SeqGen decoder share | PyTorch decoder share | peak RSS MB | training MB (expected) |"
    )
    Console.line("|---|---|---|---|---|---|---|---|---|---|")
    Console.line(
      "| \(layers)×\(hidden) tied | \(classes) | \(f(s.tokensPerSecond, "%.0f")) | \(f(s.tokensPerSecond * charsPerToken, "%.0f")) | \(f(peer, "%.0f")) | \(f(peer.map { s.tokensPerSecond / $0 }, "%.2f×")) | \(f(100 * s.decoderShare, "%.0f%%")) | \(f((peerBest?["decoder_share"] as? Double).map { 100 * $0 }, "%.0f%%")) | \(f(s.peakMB, "%.0f")) | \(f(s.trainingMB, "%.0f")) (\(f(expectedMB, "%.0f"))) |"
    )
  }

  /// The class ids of `sequences`, one after the other, as little-endian int32 (the peer's input).
  private func write(_ sequences: [SourceSequence<String>], codec: TextCodec, to url: URL) throws {
    var ids: [Int32] = []
    for s in sequences { for piece in s.steps { ids.append(Int32(try TextDomain().target(piece, codec: codec))) } }
    try ids.withUnsafeBytes { try Data($0).write(to: url) }
  }
}
