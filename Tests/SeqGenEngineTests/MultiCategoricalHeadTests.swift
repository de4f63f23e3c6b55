import Foundation
import Testing

@testable import SeqGenEngine

/// The head of several independent categorical fields: its gradient, parity with PyTorch
/// (fixtures/reference/multicategorical_golden.json from scripts/make_multicategorical_golden.py)
/// and its sampling controls.
@Suite struct MultiCategoricalHeadTests {
  /// Finite differences of a float64 reference of the loss (a sum of per-field
  /// cross-entropies), with a padding row and a gradient scale.
  @Test func gradientMatchesFiniteDifferences() {
    let classes = [2, 3, 17, 4]
    let head = MultiCategoricalHead(classes: classes)
    let width = head.outputSize
    #expect(width == 26 && head.offsets == [0, 2, 5, 22])
    var rng = SeededGenerator(seed: 5)
    let logits = FloatBuffer(count: 3 * width)
    let d = FloatBuffer(count: 3 * width)
    for i in 0..<(3 * width) { logits[i] = (rng.nextFloat() - 0.5) * 6 }
    let targets: [[Int]?] = [[1, 0, 16, 3], nil, [0, 2, 7, 0]]
    func reference(_ x: [Double]) -> Double {
      var total = 0.0
      for (r, t) in targets.enumerated() {
        guard let t else { continue }
        for (f, c) in classes.enumerated() {
          let row = x[(r * width + head.offsets[f])..<(r * width + head.offsets[f] + c)]
          total += log(row.map { exp($0) }.reduce(0, +)) - row[row.startIndex + t[f]]
        }
      }
      return total
    }
    let x = logits.array.map(Double.init)
    let loss = targets.withUnsafeBufferPointer {
      head.loss(logits.pointer, targets: $0, scale: 0.5, dOutput: d.pointer, parameters: .none)
    }
    #expect(relativeError(loss, reference(x)) < 1e-6)
    for j in width..<(2 * width) { #expect(d[j] == 0) }
    let worst = worstReferenceGradientError(x, gradient: d.array, scale: 0.5, reference: reference)
    #expect(worst < 1e-5, "worst relative error \(worst)")
  }

  struct Golden: Decodable {
    struct Config: Decodable { var classes: [Int], hiddenSize, numLayers, seqLength, batchSize: Int }
    var config: Config
    var inputs: TorchParityTests.Tensor
    var targets: [[[Int]]]
    var padding: [[Int]]
    var resets: [[Bool]]
    var weights: [String: TorchParityTests.Tensor]
    var logits: TorchParityTests.Tensor
    var loss: Double
    var gradients: [String: TorchParityTests.Tensor]
  }

  /// Multi-hot rows → 2-layer LSTM → decoder → the head, against torch: logits, loss and
  /// every parameter's gradient, through a reset and a padding row.
  @Test func matchesPyTorch() throws {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/multicategorical_golden.json")
    let g = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    let c = g.config
    let head = MultiCategoricalHead(classes: c.classes)
    let config = ModelConfig(
      input: .dense(width: head.outputSize), hiddenSize: c.hiddenSize, numLayers: c.numLayers, dropout: 0,
      outputSize: head.outputSize)
    let model = Model(config: config, head: head, maxSteps: c.seqLength, batch: c.batchSize)
    let chunk = Chunk<[Int]>(for: config, capacity: c.seqLength * c.batchSize)
    chunk.setShape(steps: c.seqLength, batch: c.batchSize)
    chunk.dense.copy(from: g.inputs.data.map(Float.init))
    chunk.targets = g.targets.flatMap { $0 }
    for p in g.padding { chunk.targets[p[0] * c.batchSize + p[1]] = nil }
    for (r, reset) in g.resets.flatMap({ $0 }).enumerated() { chunk.resets[r] = reset }
    TorchParityTests.expectParity(
      model, chunk: chunk, weights: g.weights, logits: g.logits, loss: g.loss, gradients: g.gradients)
  }

  /// Each field is drawn from its own softmax: argmax takes each field's largest logit, and
  /// plain draws follow each field's probabilities.
  @Test func samplesEachFieldFromItsOwnSoftmax() {
    let head = MultiCategoricalHead(classes: [2, 3])
    let logits: [Float] = [0, log(3), log(1), log(2), log(7)]  // p = [.25 .75], [.1 .2 .7]
    var rng = SeededGenerator(seed: 1)
    #expect(head.sample(logits, controls: SamplingControls(argmax: true), parameters: .none, rng: &rng) == [1, 2])
    var counts = [[0, 0], [0, 0, 0]]
    let n = 20_000
    for _ in 0..<n {
      let s = head.sample(logits, controls: SamplingControls(), parameters: .none, rng: &rng)
      counts[0][s[0]] += 1
      counts[1][s[1]] += 1
    }
    let expected = [[0.25, 0.75], [0.1, 0.2, 0.7]]
    for f in 0..<2 {
      for (k, p) in expected[f].enumerated() {
        #expect(abs(Double(counts[f][k]) / Double(n) - p) < 0.015, "field \(f) class \(k): \(counts[f])")
      }
    }
    // Bias sharpens: with b = 4 the likeliest class of each field dominates.
    var sharp = [0, 0]
    for _ in 0..<2000 {
      let s = head.sample(logits, controls: SamplingControls(bias: 4), parameters: .none, rng: &rng)
      if s[0] == 1 { sharp[0] += 1 }
      if s[1] == 2 { sharp[1] += 1 }
    }
    #expect(sharp[0] > 1950 && sharp[1] > 1900, "\(sharp)")
  }

  @Test func refusesControlsItDoesNotRead() {
    let head = MultiCategoricalHead(classes: [2, 3])
    #expect(throws: EngineError.self) { try head.check(SamplingControls(loudnessGate: 3)) }
    #expect(throws: Never.self) { try head.check(SamplingControls(temperature: 0.7, topK: 2, bias: 1)) }
  }
}
