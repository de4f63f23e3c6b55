import Testing

@testable import SeqGenEngine

@Suite struct ModelTests {
  /// Evaluation and generation build models without gradient buffers: the same forward output
  /// and loss from the same weights, and none of the buffers only `backward` reads.
  @Test func inferenceModelComputesTheSameForwardWithoutGradientBuffers() {
    let classes = 5
    let hidden = 16
    let steps = 4
    let batch = 3
    let config = ModelConfig(
      input: .categorical(classes: classes), hiddenSize: hidden, numLayers: 2, dropout: 0.2, outputSize: classes)
    let trainable = Model(config: config, head: CategoricalHead(classes: classes), maxSteps: steps, batch: batch)
    var rng = SeededGenerator(seed: 3)
    trainable.initialize(rng: &rng)
    let inference = Model(
      config: config, head: CategoricalHead(classes: classes), params: trainable.params, maxSteps: steps, batch: batch,
      trainable: false)
    let indices = (0..<steps).map { t in (0..<batch).map { b in (t * 2 + b) % classes } }
    let targets: [[Int?]] = (0..<steps).map { t in (0..<batch).map { b in (t + b + 1) % classes } }
    let resets = (0..<steps).map { t in (0..<batch).map { _ in t == 0 } }
    let chunk = makeChunk(indices: indices, targets: targets, resets: resets, classes: classes)
    var results: [([Float], Double)] = []
    for model in [trainable, inference] {
      let state = RecurrentState(numLayers: 2, batch: batch, hiddenSize: hidden)
      let y = model.forward(chunk.input, steps: steps, batch: batch, state: state, resets: chunk.resets, rng: &rng)
      let loss = chunk.targets.withUnsafeBufferPointer {
        model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<(steps * batch)]), gradient: false)
      }
      results.append((Array(UnsafeBufferPointer(start: y, count: steps * batch * classes)) + state.h.array, loss))
    }
    #expect(results[0].0 == results[1].0)
    #expect(results[0].1 == results[1].1)
    #expect(inference.dLogits.count == 0 && inference.decoder.dInput.count == 0)
    for layer in inference.lstm.layers {
      #expect(layer.dGates.count == 0 && layer.dInput.count == 0)
    }
    for layer in trainable.lstm.layers {
      #expect(layer.dGates.count == steps * batch * 4 * hidden)
    }
  }
}
