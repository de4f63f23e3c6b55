import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import TextDomain

/// Multi-step parity with PyTorch: the same initial weights, the same text, the same stateful
/// batching, Adam and clipping for 80 steps (past an epoch wrap), compared step by step.
/// The reference is fixtures/reference/lstm_training_golden.json (scripts/make_training_golden.py).
@Suite struct TorchTrainingParityTests {
  struct Tensor: Decodable {
    var shape: [Int]
    var data: [Double]
  }
  struct Config: Decodable {
    var textPrefix, vocabSize, hiddenSize, numLayers, batchSize, seqLength, steps, chunksPerEpoch: Int
    var learningRate, gradClip: Double
  }
  struct Golden: Decodable {
    var config: Config
    var initialWeights, finalWeights: [String: Tensor]
    var losses, gradNorms: [Double]
  }

  @Test func eightyStepsMatchPyTorch() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let golden = try JSONDecoder().decode(
      Golden.self, from: Data(contentsOf: root.appendingPathComponent("fixtures/reference/lstm_training_golden.json")))
    let c = golden.config
    let text = try String(contentsOf: root.appendingPathComponent("fixtures/text/shakespeare.txt"), encoding: .utf8)
    let prefix = text.unicodeScalars.prefix(c.textPrefix).map { String(Character($0)) }
    let temporary = try TemporaryDirectory("seqgen-parity")
    defer { temporary.remove() }
    let dir = temporary.at("run")

    var o = TrainingOptions()
    o.hiddenSize = c.hiddenSize
    o.numLayers = c.numLayers
    o.batchSize = c.batchSize
    o.seqLength = c.seqLength
    o.learningRate = Float(c.learningRate)
    o.gradClip = Float(c.gradClip)
    o.valFraction = 0
    o.steps = c.steps
    let trainer = try Trainer(
      domain: TextDomain(), sequences: [SourceSequence(source: "prefix", steps: prefix)], dataPaths: [], options: o,
      run: RunDirectory(dir), resume: false)
    #expect(trainer.chunksPerEpoch == c.chunksPerEpoch)
    let params = trainer.model.params
    for e in params.entries {
      let t = try #require(golden.initialWeights[e.name])
      #expect(t.shape == e.shape)
      params.value(e.name).update(from: t.data.map(Float.init), count: e.count)
    }
    for step in 0..<c.steps {
      let result = try trainer.trainStep()
      let (loss, norm) = try #require(result.accepted)
      #expect(
        abs(loss - golden.losses[step]) <= 1e-4 * golden.losses[step],
        "step \(step + 1): loss \(loss) vs \(golden.losses[step])")
      #expect(
        abs(norm - golden.gradNorms[step]) <= 1e-3 * golden.gradNorms[step],
        "step \(step + 1): gradient norm \(norm) vs \(golden.gradNorms[step])")
    }
    var worst = 0.0
    for e in params.entries {
      let expected = try #require(golden.finalWeights[e.name]).data
      let actual = UnsafeBufferPointer(start: params.value(e.name), count: e.count)
      for (a, b) in zip(actual, expected) { worst = max(worst, abs(Double(a) - b) / (max(abs(b), 1e-2))) }
    }
    #expect(worst < 1e-3, "final weights: worst relative difference \(worst)")
  }
}
