import Foundation
import Testing

@testable import SeqGenEngine

/// Parity with PyTorch's word_language_model architecture (`nn.Embedding` → `nn.LSTM` →
/// `nn.Linear`, untied and tied) through the golden file written by
/// scripts/make_embedding_golden.py (the test needs no torch).
@Suite struct EmbeddingParityTests {
  typealias Tensor = TorchParityTests.Tensor

  struct Config: Decodable {
    var vocabSize, embeddingSize, hiddenSize, numLayers, seqLength, batchSize: Int
    var tied: Bool
  }

  struct Block: Decodable {
    var config: Config
    var inputs, targets: [[Int]]
    var weights: [String: Tensor]
    var logits: Tensor
    var loss: Double
    var gradients: [String: Tensor]
  }

  static let golden: [String: Block] = {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/embedding_golden.json")
    return try! JSONDecoder().decode([String: Block].self, from: Data(contentsOf: url))
  }()

  @Test(arguments: ["untied", "tied"])
  func forwardAndGradients(block: String) throws {
    let g = try #require(Self.golden[block])
    let c = g.config
    let config = ModelConfig(
      input: .categorical(classes: c.vocabSize), hiddenSize: c.hiddenSize, numLayers: c.numLayers, dropout: 0,
      outputSize: c.vocabSize, embedding: EmbeddingConfig(size: c.embeddingSize, tied: c.tied))
    let model = Model(
      config: config, head: CategoricalHead(classes: c.vocabSize), maxSteps: c.seqLength, batch: c.batchSize)
    let chunk = makeChunk(
      indices: g.inputs, targets: g.targets.map { $0.map { Optional($0) } },
      resets: g.inputs.map { $0.map { _ in false } }, classes: c.vocabSize)
    TorchParityTests.expectParity(
      model, chunk: chunk, weights: g.weights, logits: g.logits, loss: g.loss, gradients: g.gradients)
  }
}

extension TorchParityTests {
  /// Loads torch's `weights` into `model`, runs `chunk` (its controls too) from a zero state, and
  /// compares the logits, the mean loss over the chunk's rows and every parameter's gradient
  /// with torch's.
  static func expectParity<Head: OutputHead>(
    _ model: Model<Head>, chunk: Chunk<Head.Target>, weights: [String: Tensor], logits: Tensor, loss: Double,
    gradients: [String: Tensor], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let (steps, batch) = (chunk.steps, chunk.batch)
    #expect(model.params.entries.map(\.name).sorted() == weights.keys.sorted(), sourceLocation: sourceLocation)
    for e in model.params.entries {
      (model.params.values.pointer + e.offset).update(from: weights[e.name]!.data.map(Float.init), count: e.count)
    }
    let config = model.config
    let state = RecurrentState(numLayers: config.numLayers, batch: batch, hiddenSize: config.hiddenSize)
    var rng = SeededGenerator(seed: 0)
    let rows = steps * batch
    let output = model.forward(
      chunk.input, controls: chunk.controlRows, steps: steps, batch: batch, state: state, resets: chunk.resets,
      rng: &rng)
    let parity = TorchParityTests()
    parity.expectClose(
      Array(UnsafeBufferPointer(start: output, count: rows * config.outputSize)), logits.data, "logits")
    let nats = chunk.targets.withUnsafeBufferPointer {
      model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<rows]), scale: 1 / Float(rows), gradient: true)
    }
    parity.expectClose([Float(nats / Double(rows))], [loss], "loss")
    model.params.zeroGradients()
    model.backward(steps: steps, batch: batch, resets: chunk.resets)
    for e in model.params.entries {
      parity.expectClose(
        Array(UnsafeBufferPointer(start: model.params.gradients.pointer + e.offset, count: e.count)),
        gradients[e.name]!.data, "d \(e.name)")
    }
  }
}
