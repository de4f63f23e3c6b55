import Foundation
import Testing

@testable import SeqGenEngine

/// Finite-difference checks of every backward pass: central differences in Float32 on small
/// models, compared with a relative error that tolerates Float32 rounding of the differences.
@Suite struct GradientCheckTests {
  /// Two chunks of a 2-layer LSTM with the state carried from the first to the second and a
  /// reset inside the second; the gradient flows through the carried state (full BPTT across
  /// the two chunks, via `dState`), and is checked for every parameter and the initial state.
  /// A single row (generation) gathers the one-hot input straight from `weightIH`; a chunk
  /// gathers from its transposed copy. Both must give the same outputs (up to the rounding of
  /// the products, which BLAS runs with other kernels for one row than for eight).
  @Test func inputGatherIsTheSameFromTheTransposedCopy() throws {
    let classes = 100
    let hidden = 9
    let config = ModelConfig(
      input: .categorical(classes: classes), hiddenSize: hidden, numLayers: 1, dropout: 0, outputSize: classes)
    let model = Model(config: config, head: CategoricalHead(classes: classes), maxSteps: 1, batch: 8)
    var rng = SeededGenerator(seed: 3)
    model.initialize(rng: &rng)
    let many = makeChunk(
      indices: [[97, 1, 50, 3, 4, 5, 6, 7]], targets: [Array(repeating: nil, count: 8)],
      resets: [Array(repeating: false, count: 8)], classes: classes)
    model.forward(
      many.input, steps: 1, batch: 8, state: RecurrentState(numLayers: 1, batch: 8, hiddenSize: hidden),
      resets: many.resets, training: false, rng: &rng)
    let fromCopy = Array(UnsafeBufferPointer(start: model.output, count: 3 * classes))
    for (b, index) in [97, 1, 50].enumerated() {
      let one = makeChunk(indices: [[index]], targets: [[nil]], resets: [[false]], classes: classes)
      model.forward(
        one.input, steps: 1, batch: 1, state: RecurrentState(numLayers: 1, batch: 1, hiddenSize: hidden),
        resets: one.resets, training: false, rng: &rng)
      let worst = zip(UnsafeBufferPointer(start: model.output, count: classes), fromCopy[(b * classes)...]).map {
        abs($0 - $1)
      }.max()!
      #expect(worst < 1e-6, "row \(b): largest difference \(worst)")
    }
  }

  /// The third case has a hidden size that runs the cell's 16-wide SIMD loops and their scalar tails.
  @Test(arguments: [(Float(0), 5, 4), (0.3, 5, 4), (0, 5, 17)])
  func lstmAcrossTwoChunksWithReset(dropout: Float, classes: Int, hidden: Int) throws {
    let config = ModelConfig(
      input: .categorical(classes: classes), hiddenSize: hidden, numLayers: 2, dropout: dropout, outputSize: classes)
    let head = CategoricalHead(classes: classes)
    let first = Model(config: config, head: head, maxSteps: 3, batch: 2)
    let second = Model(config: config, head: head, params: first.params, maxSteps: 3, batch: 2)
    var rng = SeededGenerator(seed: 7)
    first.initialize(rng: &rng)
    // Larger weights than the default init, so gates leave their linear region.
    for i in 0..<first.params.count { first.params.values[i] *= 3 }
    let chunk1 = makeChunk(
      indices: [[0, 3], [2, 4], [1, 1]], targets: [[3, 2], [1, nil], [4, 0]],
      resets: [[false, false], [false, false], [false, false]], classes: classes)
    let chunk2 = makeChunk(
      indices: [[3, 0], [4, 2], [0, 1]], targets: [[2, 2], [0, 3], [1, 4]],
      resets: [[false, false], [true, false], [false, false]], classes: classes)
    let initial = RecurrentState(numLayers: 2, batch: 2, hiddenSize: hidden)
    for i in 0..<initial.h.count {
      initial.h[i] = rng.nextFloat() - 0.5
      initial.c[i] = rng.nextFloat() - 0.5
    }
    let dropoutSeed = SeededGenerator(seed: 99)

    /// Loss of both chunks from the initial state; same dropout masks every call.
    func loss(gradient: Bool) -> Double {
      let state = RecurrentState(numLayers: 2, batch: 2, hiddenSize: hidden)
      state.h.copy(from: initial.h.array)
      state.c.copy(from: initial.c.array)
      var r = dropoutSeed
      first.forward(chunk1.input, steps: 3, batch: 2, state: state, resets: chunk1.resets, training: true, rng: &r)
      second.forward(chunk2.input, steps: 3, batch: 2, state: state, resets: chunk2.resets, training: true, rng: &r)
      let l2 = chunk2.targets.withUnsafeBufferPointer {
        second.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<6]), gradient: gradient)
      }
      let l1 = chunk1.targets.withUnsafeBufferPointer {
        first.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<6]), gradient: gradient)
      }
      return l1 + l2
    }

    _ = loss(gradient: true)
    first.params.zeroGradients()
    let dState = RecurrentState(numLayers: 2, batch: 2, hiddenSize: hidden)
    second.backward(steps: 3, batch: 2, resets: chunk2.resets, dState: dState)
    first.backward(steps: 3, batch: 2, resets: chunk1.resets, dState: dState)
    let analytic = first.params.gradients.array

    let worst = worstGradientError([(first.params.values, analytic)], floor: 1e-2) { loss(gradient: false) }
    #expect(worst < 1e-2, "worst relative error over parameters \(worst)")

    // The gradient with respect to the initial state (what the previous chunk would receive).
    let worstState = worstGradientError([(initial.h, dState.h.array), (initial.c, dState.c.array)], floor: 1e-2) {
      loss(gradient: false)
    }
    #expect(worstState < 1e-2, "worst relative error over the initial state \(worstState)")
  }

  /// A reset zeroes the state, so nothing before it can influence the loss after it, and the
  /// gradient with respect to the initial state of that stream must be exactly zero.
  @Test func noGradientCrossesAReset() {
    let config = ModelConfig(input: .categorical(classes: 3), hiddenSize: 3, numLayers: 1, dropout: 0, outputSize: 3)
    let model = Model(config: config, head: CategoricalHead(classes: 3), maxSteps: 2, batch: 1)
    var rng = SeededGenerator(seed: 1)
    model.initialize(rng: &rng)
    let chunk = makeChunk(indices: [[1], [2]], targets: [[nil], [0]], resets: [[false], [true]], classes: 3)
    let state = RecurrentState(numLayers: 1, batch: 1, hiddenSize: 3)
    state.h.copy(from: [0.5, -0.5, 0.2])
    model.forward(chunk.input, steps: 2, batch: 1, state: state, resets: chunk.resets, rng: &rng)
    _ = chunk.targets.withUnsafeBufferPointer {
      model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<2]), gradient: true)
    }
    let dState = RecurrentState(numLayers: 1, batch: 1, hiddenSize: 3)
    model.backward(steps: 2, batch: 1, resets: chunk.resets, dState: dState)
    #expect(dState.h.array == [0, 0, 0])
    #expect(dState.c.array == [0, 0, 0])
  }

  /// Dense input: the gradient with respect to the input rows (what a real-valued domain's
  /// encoder would receive) and the weights.
  @Test func denseInputGradient() {
    let config = ModelConfig(input: .dense(width: 3), hiddenSize: 4, numLayers: 1, dropout: 0, outputSize: 5)
    let model = Model(config: config, head: CategoricalHead(classes: 5), maxSteps: 2, batch: 2)
    var rng = SeededGenerator(seed: 3)
    model.initialize(rng: &rng)
    let chunk = Chunk<Int>(kind: .dense(width: 3), capacity: 4)
    chunk.setShape(steps: 2, batch: 2)
    for i in 0..<12 { chunk.dense[i] = rng.nextFloat() * 2 - 1 }
    chunk.targets = [1, 4, 0, 2]
    func loss(gradient: Bool) -> Double {
      let state = RecurrentState(numLayers: 1, batch: 2, hiddenSize: 4)
      model.forward(chunk.input, steps: 2, batch: 2, state: state, resets: chunk.resets, rng: &rng)
      return chunk.targets.withUnsafeBufferPointer { model.loss(targets: $0, gradient: gradient) }
    }
    _ = loss(gradient: true)
    model.params.zeroGradients()
    model.backward(steps: 2, batch: 2, resets: chunk.resets, inputGradient: true)
    let dInput = Array(UnsafeBufferPointer(start: model.lstm.dInput, count: 12))
    let dParams = model.params.gradients.array
    let worst = worstGradientError([(chunk.dense, dInput), (model.params.values, dParams)], floor: 1e-2) {
      loss(gradient: false)
    }
    #expect(worst < 1e-2, "worst relative error \(worst)")
  }

  /// Class inputs read through an embedding table, untied (16 classes into rows of 3) and tied
  /// (the decoder's weight is the table, so its gradient is the sum of what the decoder and the
  /// input send it). A class read twice in the chunk must receive both rows' gradients; a class
  /// never read gets none from the input side.
  @Test(arguments: [false, true])
  func embeddingAndTiedDecoder(tied: Bool) {
    let classes = 6
    let hidden = 4
    let config = ModelConfig(
      input: .categorical(classes: classes), hiddenSize: hidden, numLayers: 2, dropout: 0, outputSize: classes,
      embedding: EmbeddingConfig(size: tied ? hidden : 3, tied: tied))
    #expect(config.problem == nil)
    #expect(config.parameterSpecs.first?.name == "encoder.weight")
    #expect(config.parameterSpecs.contains { $0.name == "decoder.weight" } == !tied)
    let model = Model(config: config, head: CategoricalHead(classes: classes), maxSteps: 3, batch: 2)
    var rng = SeededGenerator(seed: 21)
    model.initialize(rng: &rng)
    for i in 0..<model.params.count { model.params.values[i] *= 4 }
    let chunk = makeChunk(
      indices: [[0, 3], [3, 5], [1, 3]], targets: [[3, 2], [1, nil], [4, 0]],
      resets: [[false, false], [false, true], [false, false]], classes: classes)
    func loss(gradient: Bool) -> Double {
      let state = RecurrentState(numLayers: 2, batch: 2, hiddenSize: hidden)
      model.forward(chunk.input, steps: 3, batch: 2, state: state, resets: chunk.resets, rng: &rng)
      return chunk.targets.withUnsafeBufferPointer {
        model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<6]), gradient: gradient)
      }
    }
    _ = loss(gradient: true)
    model.params.zeroGradients()
    model.backward(steps: 3, batch: 2, resets: chunk.resets)
    let analytic = model.params.gradients.array
    let worst = worstGradientError([(model.params.values, analytic)], floor: 1e-2) { loss(gradient: false) }
    #expect(worst < 1e-2, "worst relative error \(worst)")
    if !tied {
      let table = model.params.entry("encoder.weight")
      // Class 2 is never read: no gradient reaches its row.
      #expect(analytic[(table.offset + 2 * 3)..<(table.offset + 3 * 3)].allSatisfy { $0 == 0 })
    }
  }

  /// A configuration that cannot be built says why, naming the options to change.
  @Test func embeddingProblemsAreNamed() {
    func problem(_ input: InputKind, _ embedding: EmbeddingConfig, output: Int = 5) -> String? {
      ModelConfig(input: input, hiddenSize: 8, numLayers: 1, dropout: 0, outputSize: output, embedding: embedding)
        .problem
    }
    #expect(
      problem(.categorical(classes: 5), EmbeddingConfig(size: 4, tied: true))?.contains(
        "must equal `hiddenSize` (8), got 4") == true)
    #expect(problem(.dense(width: 3), EmbeddingConfig(size: 4))?.contains("classes") == true)
    #expect(
      problem(.categorical(classes: 5), EmbeddingConfig(size: 8, tied: true), output: 7)?.contains(
        "one output per input class") == true)
    #expect(problem(.categorical(classes: 5), EmbeddingConfig(size: 8, tied: true)) == nil)
  }

  /// The linear layer alone, against the loss Σ y·r for fixed random r (so ∂loss/∂y = r).
  @Test func linearLayer() {
    let params = ParameterStore(Linear.parameterSpecs(name: "decoder", inputSize: 3, outputSize: 4))
    let linear = Linear(params: params, name: "decoder", inputSize: 3, outputSize: 4, capacity: 2)
    var rng = SeededGenerator(seed: 5)
    for i in 0..<params.count { params.values[i] = rng.nextFloat() - 0.5 }
    let x = FloatBuffer(count: 6)
    let r = FloatBuffer(count: 8)
    for i in 0..<6 { x[i] = rng.nextFloat() - 0.5 }
    for i in 0..<8 { r[i] = rng.nextFloat() - 0.5 }
    func loss() -> Double {
      let y = linear.forward(x.pointer, rows: 2)
      return (0..<8).reduce(0.0) { $0 + Double(y[$1] * r[$1]) }
    }
    _ = loss()
    linear.backward(r.pointer, rows: 2)
    let worst = worstGradientError(
      [(params.values, params.gradients.array), (x, linear.dInput.array)], floor: 1e-3, loss: loss)
    #expect(worst < 1e-3, "worst relative error \(worst)")
  }

  /// Softmax cross-entropy alone, with a padding row and a gradient scale. Float32 rounding of
  /// the loss would swamp a finite difference of the head alone, so the differences are taken
  /// of a float64 reference, which the head's own loss must also match.
  @Test func categoricalHead() {
    let head = CategoricalHead(classes: 6)
    var rng = SeededGenerator(seed: 11)
    let logits = FloatBuffer(count: 18)
    let d = FloatBuffer(count: 18)
    for i in 0..<18 { logits[i] = (rng.nextFloat() - 0.5) * 6 }
    let targets: [Int?] = [2, nil, 5]
    func reference(_ x: [Double]) -> Double {
      var total = 0.0
      for (r, t) in targets.enumerated() {
        guard let t else { continue }
        let row = x[(r * 6)..<(r * 6 + 6)]
        total += log(row.map { exp($0) }.reduce(0, +)) - row[r * 6 + t]
      }
      return total
    }
    let x = logits.array.map(Double.init)
    let loss = targets.withUnsafeBufferPointer {
      head.loss(logits.pointer, targets: $0, scale: 0.5, dOutput: d.pointer, parameters: .none)
    }
    #expect(relativeError(loss, reference(x)) < 1e-6)
    for j in 6..<12 { #expect(d[j] == 0) }
    let worst = worstReferenceGradientError(x, gradient: d.array, scale: 0.5, reference: reference)
    #expect(worst < 1e-5, "worst relative error \(worst)")
  }
}
