import Foundation
import Testing

@testable import SeqGenEngine

/// Parity with `torch.nn.LSTM` + `nn.Linear` + cross-entropy + `clip_grad_norm_` + `Adam`,
/// through the golden file written by scripts/make_golden.py (the test needs no torch).
@Suite struct TorchParityTests {
  struct Tensor: Decodable {
    var shape: [Int]
    var data: [Double]
  }

  struct Config: Decodable {
    var vocabSize, inputSize, hiddenSize, numLayers, seqLength, batchSize: Int
    var clipNorm, learningRate, beta1, beta2, eps: Double?
  }

  struct Dense: Decodable {
    var config: Config
    var inputs: Tensor
    var targets: [[Int]]
    var weights: [String: Tensor]
    var logits, hN, cN, lstmOutput: Tensor
    var loss: Double
    var gradients: [String: Tensor]
    var gradInputs: Tensor
  }

  struct Golden: Decodable {
    var config: Config
    var inputs, targets: [[Int]]
    var h0, c0: Tensor
    var weights: [String: Tensor]
    var logits, hN, cN, lstmOutput: Tensor
    var loss: Double
    var gradients: [String: Tensor]
    var gradH0, gradC0: Tensor
    var gradNormBeforeClip: Double
    var weightsAfterAdam: [String: Tensor]
    var dense: Dense
  }

  static let golden: Golden = {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/lstm_golden.json")
    return try! JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
  }()

  /// |a − b| ≤ 1e-5 · max(|a|, |b|) + 1e-7: 1e-5 relative, with a floor for values near zero.
  func expectClose(
    _ actual: [Float], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
    var worst = 0.0
    for (a, e) in zip(actual, expected) {
      worst = max(worst, abs(Double(a) - e) / (1e-5 * max(abs(Double(a)), abs(e)) + 1e-7))
    }
    #expect(worst <= 1, "\(what): worst error is \(worst)× the tolerance", sourceLocation: sourceLocation)
  }

  @Test func oneHotTwoLayerForwardBackwardClipAdam() throws {
    let g = Self.golden
    let c = g.config
    let config = ModelConfig(
      input: .categorical(classes: c.vocabSize), hiddenSize: c.hiddenSize, numLayers: c.numLayers, dropout: 0,
      outputSize: c.vocabSize)
    let model = Model(
      config: config, head: CategoricalHead(classes: c.vocabSize), maxSteps: c.seqLength, batch: c.batchSize)
    #expect(model.params.entries.map(\.name).sorted() == g.weights.keys.sorted())
    for e in model.params.entries {
      (model.params.values.pointer + e.offset).update(from: g.weights[e.name]!.data.map(Float.init), count: e.count)
    }
    let chunk = makeChunk(
      indices: g.inputs, targets: g.targets.map { $0.map { Optional($0) } },
      resets: g.inputs.map { $0.map { _ in false } }, classes: c.vocabSize)
    let state = RecurrentState(numLayers: c.numLayers, batch: c.batchSize, hiddenSize: c.hiddenSize)
    state.h.copy(from: g.h0.data.map(Float.init))
    state.c.copy(from: g.c0.data.map(Float.init))
    var rng = SeededGenerator(seed: 0)
    let rows = c.seqLength * c.batchSize
    let logits = model.forward(
      chunk.input, steps: c.seqLength, batch: c.batchSize, state: state, resets: chunk.resets, rng: &rng)
    expectClose(Array(UnsafeBufferPointer(start: logits, count: rows * c.vocabSize)), g.logits.data, "logits")
    expectClose(
      Array(UnsafeBufferPointer(start: model.lstm.layers.last!.h.pointer, count: rows * c.hiddenSize)),
      g.lstmOutput.data, "lstm output")
    expectClose(state.h.array, g.hN.data, "h_n")
    expectClose(state.c.array, g.cN.data, "c_n")

    let nats = chunk.targets.withUnsafeBufferPointer {
      model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<rows]), scale: 1 / Float(rows), gradient: true)
    }
    expectClose([Float(nats / Double(rows))], [g.loss], "loss")

    model.params.zeroGradients()
    let dState = RecurrentState(numLayers: c.numLayers, batch: c.batchSize, hiddenSize: c.hiddenSize)
    model.backward(steps: c.seqLength, batch: c.batchSize, resets: chunk.resets, dState: dState)
    for e in model.params.entries {
      expectClose(
        Array(UnsafeBufferPointer(start: model.params.gradients.pointer + e.offset, count: e.count)),
        g.gradients[e.name]!.data, "d \(e.name)")
    }
    expectClose(dState.h.array, g.gradH0.data, "d h0")
    expectClose(dState.c.array, g.gradC0.data, "d c0")

    let norm = Adam.clipGradients(model.params, maxNorm: Float(c.clipNorm!))
    expectClose([Float(norm)], [g.gradNormBeforeClip], "gradient norm")
    let adam = Adam(
      parameterCount: model.params.count, beta1: Float(c.beta1!), beta2: Float(c.beta2!), eps: Float(c.eps!))
    adam.step(model.params, learningRate: Float(c.learningRate!))
    for e in model.params.entries {
      expectClose(
        Array(UnsafeBufferPointer(start: model.params.values.pointer + e.offset, count: e.count)),
        g.weightsAfterAdam[e.name]!.data, "\(e.name) after Adam")
    }
  }

  @Test func denseInputOneLayer() {
    let g = Self.golden.dense
    let c = g.config
    let config = ModelConfig(
      input: .dense(width: c.inputSize), hiddenSize: c.hiddenSize, numLayers: 1, dropout: 0, outputSize: c.vocabSize)
    let model = Model(
      config: config, head: CategoricalHead(classes: c.vocabSize), maxSteps: c.seqLength, batch: c.batchSize)
    for e in model.params.entries {
      (model.params.values.pointer + e.offset).update(from: g.weights[e.name]!.data.map(Float.init), count: e.count)
    }
    let rows = c.seqLength * c.batchSize
    let chunk = Chunk<Int>(kind: config.input, capacity: rows)
    chunk.setShape(steps: c.seqLength, batch: c.batchSize)
    chunk.dense.copy(from: g.inputs.data.map(Float.init))
    chunk.targets = g.targets.flatMap { $0 }
    let state = RecurrentState(numLayers: 1, batch: c.batchSize, hiddenSize: c.hiddenSize)
    var rng = SeededGenerator(seed: 0)
    let logits = model.forward(
      chunk.input, steps: c.seqLength, batch: c.batchSize, state: state, resets: chunk.resets, rng: &rng)
    expectClose(Array(UnsafeBufferPointer(start: logits, count: rows * c.vocabSize)), g.logits.data, "logits")
    expectClose(state.h.array, g.hN.data, "h_n")
    let nats = chunk.targets.withUnsafeBufferPointer { model.loss(targets: $0, scale: 1 / Float(rows), gradient: true) }
    expectClose([Float(nats / Double(rows))], [g.loss], "loss")
    model.params.zeroGradients()
    model.backward(steps: c.seqLength, batch: c.batchSize, resets: chunk.resets, inputGradient: true)
    for e in model.params.entries {
      expectClose(
        Array(UnsafeBufferPointer(start: model.params.gradients.pointer + e.offset, count: e.count)),
        g.gradients[e.name]!.data, "d \(e.name)")
    }
    expectClose(
      Array(UnsafeBufferPointer(start: model.lstm.dInput, count: rows * c.inputSize)), g.gradInputs.data, "d input")
  }

  /// The one-hot gather must equal the dense product with one-hot rows, exactly as computed.
  @Test func oneHotGatherEqualsDenseProduct() {
    let g = Self.golden
    let c = g.config
    let oneHot = ModelConfig(
      input: .categorical(classes: c.vocabSize), hiddenSize: c.hiddenSize, numLayers: c.numLayers, dropout: 0,
      outputSize: c.vocabSize)
    var dense = oneHot
    dense.input = .dense(width: c.vocabSize)
    let a = Model(
      config: oneHot, head: CategoricalHead(classes: c.vocabSize), maxSteps: c.seqLength, batch: c.batchSize)
    let b = Model(
      config: dense, head: CategoricalHead(classes: c.vocabSize), params: a.params, maxSteps: c.seqLength,
      batch: c.batchSize)
    var rng = SeededGenerator(seed: 4)
    a.initialize(rng: &rng)
    let rows = c.seqLength * c.batchSize
    let indexChunk = makeChunk(
      indices: g.inputs, targets: g.targets, resets: g.inputs.map { $0.map { _ in false } }, classes: c.vocabSize)
    let denseChunk = Chunk<Int>(kind: dense.input, capacity: rows)
    denseChunk.setShape(steps: c.seqLength, batch: c.batchSize)
    for r in 0..<rows { denseChunk.dense[r * c.vocabSize + Int(indexChunk.indices[r])] = 1 }
    let sa = RecurrentState(numLayers: c.numLayers, batch: c.batchSize, hiddenSize: c.hiddenSize)
    let sb = RecurrentState(numLayers: c.numLayers, batch: c.batchSize, hiddenSize: c.hiddenSize)
    let la = Array(
      UnsafeBufferPointer(
        start: a.forward(
          indexChunk.input, steps: c.seqLength, batch: c.batchSize, state: sa, resets: indexChunk.resets, rng: &rng),
        count: rows * c.vocabSize))
    let lb = Array(
      UnsafeBufferPointer(
        start: b.forward(
          denseChunk.input, steps: c.seqLength, batch: c.batchSize, state: sb, resets: denseChunk.resets, rng: &rng),
        count: rows * c.vocabSize))
    for (x, y) in zip(la, lb) { #expect(abs(x - y) <= 1e-6 * max(1, abs(x))) }
  }
}
