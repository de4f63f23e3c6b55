import Foundation
import Testing

@testable import SeqGenEngine

/// The conditioned stack (`WindowedLSTM`): finite-difference checks through the attention
/// window, the skip connections and two chunks with the whole state (h, c, κ, w) carried, and
/// the behaviour the window promises (it only moves forward, a reset puts it back at the start).
@Suite struct WindowedLSTMTests {
  static let classes = 4

  /// A (T, B) chunk of dense rows, with the condition span each row reads.
  static func chunk(
    steps: Int, batch: Int, width: Int, targets: [[Int?]], resets: [[Bool]], spans: [[Range<Int>]],
    classes flat: [Int32], rng: inout SeededGenerator
  ) -> Chunk<Int> {
    let chunk = Chunk<Int>(kind: .dense(width: width), capacity: steps * batch, conditioned: true)
    chunk.setShape(steps: steps, batch: batch)
    chunk.condition!.classes = flat
    for t in 0..<steps {
      for b in 0..<batch {
        let r = t * batch + b
        for j in 0..<width { chunk.dense[r * width + j] = rng.nextFloat() * 2 - 1 }
        chunk.targets[r] = targets[t][b]
        chunk.resets[r] = resets[t][b]
        chunk.condition!.start[r] = Int32(spans[t][b].lowerBound)
        chunk.condition!.count[r] = Int32(spans[t][b].count)
      }
    }
    return chunk
  }

  /// Every parameter and every part of the initial state, over two chunks with a reset inside
  /// the second, rows reading conditions of different lengths (one of them empty).
  @Test(arguments: [(2, Float(0)), (3, 0.3)])
  func gradientsAcrossTwoChunks(layers: Int, dropout: Float) {
    let (hidden, width, outputs) = (5, 3, 6)
    let condition = ConditionConfig(classes: Self.classes, mixtures: 2)
    let config = ModelConfig(
      input: .dense(width: width), hiddenSize: hidden, numLayers: layers, dropout: dropout, outputSize: outputs,
      condition: condition)
    let head = CategoricalHead(classes: outputs)
    let first = Model(config: config, head: head, maxSteps: 3, batch: 2)
    let second = Model(config: config, head: head, params: first.params, maxSteps: 3, batch: 2)
    var rng = SeededGenerator(seed: 21)
    first.initialize(rng: &rng)
    for i in 0..<first.params.count { first.params.values[i] *= 2 }
    first.paceWindow(stepsPerClass: 1.5)
    let flat: [Int32] = [0, 2, 1, 3, 1, 1, 0, 3, 2]
    let a = 0..<4
    let b = 4..<7
    let c = 7..<9
    let chunk1 = Self.chunk(
      steps: 3, batch: 2, width: width, targets: [[3, 2], [1, nil], [4, 0]],
      resets: [[false, false], [false, false], [false, false]], spans: [[a, b], [a, b], [a, b]], classes: flat,
      rng: &rng)
    let chunk2 = Self.chunk(
      steps: 3, batch: 2, width: width, targets: [[2, 5], [0, 3], [1, 4]],
      resets: [[false, false], [true, false], [false, false]], spans: [[a, b], [c, b], [0..<0, b]], classes: flat,
      rng: &rng)
    let initial = RecurrentState(config, batch: 2)
    for part in initial.parts {
      for i in 0..<part.buffer.count { part.buffer[i] = rng.nextFloat() - 0.5 }
    }
    for i in 0..<initial.kappa.count { initial.kappa[i] = abs(initial.kappa[i]) * 2 }
    let dropoutSeed = SeededGenerator(seed: 5)

    func loss(gradient: Bool) -> Double {
      let state = RecurrentState(config, batch: 2)
      for (to, from) in zip(state.parts, initial.parts) { to.buffer.copy(from: from.buffer.array) }
      var r = dropoutSeed
      first.forward(
        chunk1.input, condition: chunk1.condition, steps: 3, batch: 2, state: state, resets: chunk1.resets,
        training: true, rng: &r)
      second.forward(
        chunk2.input, condition: chunk2.condition, steps: 3, batch: 2, state: state, resets: chunk2.resets,
        training: true, rng: &r)
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
    let dState = RecurrentState(config, batch: 2)
    second.backward(steps: 3, batch: 2, resets: chunk2.resets, dState: dState)
    first.backward(steps: 3, batch: 2, resets: chunk1.resets, dState: dState)
    let analytic = first.params.gradients.array
    #expect(analytic.contains { $0 != 0 })
    for entry in first.params.entries {
      let slice = analytic[entry.offset..<(entry.offset + entry.count)]
      #expect(slice.contains { $0 != 0 }, "no gradient reaches \(entry.name)")
    }

    let worst = worstGradientError([(first.params.values, analytic)], h: 1e-2, floor: 1e-2) {
      loss(gradient: false)
    }
    #expect(worst < 2e-2, "worst relative error over parameters \(worst)")
    let worstState = worstGradientError(
      zip(initial.parts, dState.parts).map { ($0.buffer, $1.buffer.array) }, h: 1e-2, floor: 1e-2
    ) { loss(gradient: false) }
    #expect(worstState < 2e-2, "worst relative error over the initial state \(worstState)")
    #expect(dState.kappa.array.contains { $0 != 0 } && dState.window.array.contains { $0 != 0 })
  }

  /// κ never decreases along a sequence, a reset starts the window at zero again, and the
  /// window vector weights only the classes the row's condition holds.
  @Test func windowMovesForwardAndResets() {
    let config = ModelConfig(
      input: .dense(width: 2), hiddenSize: 4, numLayers: 1, dropout: 0, outputSize: 3,
      condition: ConditionConfig(classes: 5, mixtures: 3))
    let model = Model(config: config, head: CategoricalHead(classes: 3), maxSteps: 6, batch: 1, trainable: false)
    var rng = SeededGenerator(seed: 2)
    model.initialize(rng: &rng)
    let resets = [true, false, false, true, false, false]
    let chunk = Self.chunk(
      steps: 6, batch: 1, width: 2, targets: Array(repeating: [nil], count: 6), resets: resets.map { [$0] },
      spans: Array(repeating: [0..<3], count: 6), classes: [1, 3, 1], rng: &rng)
    let state = RecurrentState(config, batch: 1)
    model.forward(
      chunk.input, condition: chunk.condition, steps: 6, batch: 1, state: state, resets: chunk.resets, rng: &rng)
    let stack = model.windowed!
    let kappa = (0..<6).map {
      Array(UnsafeBufferPointer(start: stack.windowActivations.pointer + $0 * 9 + 6, count: 3))
    }
    for t in 1..<6 where !resets[t] {
      for k in 0..<3 { #expect(kappa[t][k] > kappa[t - 1][k]) }
    }
    // After the reset at t = 3 the window starts from zero, exactly as it did at t = 0.
    for k in 0..<3 {
      #expect(stack.kappaPrev[3 * 3 + k] == 0)
      #expect(kappa[3][k] == stack.kappaStep[3 * 3 + k])
    }
    for t in 0..<6 {
      let w = Array(UnsafeBufferPointer(start: stack.window.pointer + t * 5, count: 5))
      #expect(w[0] == 0 && w[2] == 0 && w[4] == 0 && w[1] > 0 && w[3] > 0)
    }
  }

  struct Golden: Decodable {
    struct Config: Decodable {
      var inputSize, hiddenSize, numLayers, classes, mixtures, outputSize, seqLength, batchSize: Int
      var learningRate, beta1, beta2, eps: Double
    }
    var config: Config
    var inputs, h0, c0, kappa0, window0: TorchParityTests.Tensor
    var conditions: [[Int32]]
    var resets: [[Bool]]
    var targets: [[Int?]]
    var weights, gradients, weightsAfterAdam: [String: TorchParityTests.Tensor]
    var loss: Double
    var targetCount: Int
    var gradH0, gradC0, gradKappa0, gradWindow0: TorchParityTests.Tensor
  }

  /// Parity with a PyTorch implementation of the same network (scripts/make_window_golden.py):
  /// the loss, every gradient (parameters and each part of the initial state) and the weights
  /// after one Adam step, over a chunk with a reset and two conditions of different lengths.
  @Test func matchesPyTorch() throws {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/window_golden.json")
    let g = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    let c = g.config
    let config = ModelConfig(
      input: .dense(width: c.inputSize), hiddenSize: c.hiddenSize, numLayers: c.numLayers, dropout: 0,
      outputSize: c.outputSize, condition: ConditionConfig(classes: c.classes, mixtures: c.mixtures))
    let (T, B) = (c.seqLength, c.batchSize)
    let model = Model(config: config, head: CategoricalHead(classes: c.outputSize), maxSteps: T, batch: B)
    #expect(model.params.entries.map(\.name).sorted() == g.weights.keys.sorted())
    for e in model.params.entries {
      (model.params.values.pointer + e.offset).update(from: g.weights[e.name]!.data.map(Float.init), count: e.count)
    }
    let chunk = Chunk<Int>(kind: config.input, capacity: T * B, conditioned: true)
    chunk.setShape(steps: T, batch: B)
    chunk.condition!.classes = g.conditions.flatMap { $0 }
    let starts = [0, g.conditions[0].count]
    for t in 0..<T {
      for b in 0..<B {
        let r = t * B + b
        for j in 0..<c.inputSize { chunk.dense[r * c.inputSize + j] = Float(g.inputs.data[r * c.inputSize + j]) }
        chunk.targets[r] = g.targets[t][b]
        chunk.resets[r] = g.resets[t][b]
        chunk.condition!.start[r] = Int32(starts[b])
        chunk.condition!.count[r] = Int32(g.conditions[b].count)
      }
    }
    let state = RecurrentState(config, batch: B)
    state.h.copy(from: g.h0.data.map(Float.init))
    state.c.copy(from: g.c0.data.map(Float.init))
    state.kappa.copy(from: g.kappa0.data.map(Float.init))
    state.window.copy(from: g.window0.data.map(Float.init))
    var rng = SeededGenerator(seed: 0)
    model.forward(
      chunk.input, condition: chunk.condition, steps: T, batch: B, state: state, resets: chunk.resets, rng: &rng)
    #expect(chunk.targetCount == g.targetCount)
    let loss = chunk.targets.withUnsafeBufferPointer {
      model.loss(
        targets: UnsafeBufferPointer(rebasing: $0[0..<(T * B)]), scale: 1 / Float(g.targetCount), gradient: true)
    }
    let parity = TorchParityTests()
    parity.expectClose([Float(loss / Double(g.targetCount))], [g.loss], "loss")
    model.params.zeroGradients()
    let dState = RecurrentState(config, batch: B)
    model.backward(steps: T, batch: B, resets: chunk.resets, dState: dState)
    for e in model.params.entries {
      parity.expectClose(
        Array(UnsafeBufferPointer(start: model.params.gradients.pointer + e.offset, count: e.count)),
        g.gradients[e.name]!.data, "d \(e.name)")
    }
    parity.expectClose(dState.h.array, g.gradH0.data, "d h0")
    parity.expectClose(dState.c.array, g.gradC0.data, "d c0")
    parity.expectClose(dState.kappa.array, g.gradKappa0.data, "d kappa0")
    parity.expectClose(dState.window.array, g.gradWindow0.data, "d window0")
    let adam = Adam(
      parameterCount: model.params.count, beta1: Float(c.beta1), beta2: Float(c.beta2), eps: Float(c.eps))
    adam.step(model.params, learningRate: Float(c.learningRate))
    for e in model.params.entries {
      parity.expectClose(
        Array(UnsafeBufferPointer(start: model.params.values.pointer + e.offset, count: e.count)),
        g.weightsAfterAdam[e.name]!.data, "\(e.name) after Adam")
    }
  }

  /// Sequences that spell their annotation: each digit d of it written as four steps of d + 1,
  /// so only a model that reads the condition can tell what comes next.
  static let spelled: [SourceSequence<Int>] = {
    var rng = SeededGenerator(seed: 17)
    return (0..<24).map { i in
      let digits = (0..<6).map { _ in Int(rng.next() % 3) }
      return SourceSequence(
        source: "line\(i)", steps: [0] + digits.flatMap { Array(repeating: $0 + 1, count: 4) },
        annotation: digits.map(String.init).joined())
    }
  }()

  func trainer(_ dir: URL, steps: Int, resume: Bool = false, mixtures: Int? = 2) throws -> Trainer<CountingDomain> {
    var o = TrainingOptions()
    (o.hiddenSize, o.numLayers, o.seqLength, o.batchSize, o.steps) = (8, 2, 10, 4, steps)
    (o.checkpointEvery, o.logEvery, o.seed, o.windowMixtures, o.valSplit) = (4, 2, 3, mixtures, .files)
    o.valFraction = 0.1
    var domain = CountingDomain()
    domain.conditioned = true
    return try Trainer(
      domain: domain, sequences: Self.spelled, dataPaths: [], options: o, run: RunDirectory(dir), resume: resume)
  }

  /// The window's state is saved with the rest (κ and w, torch-style names) and a resumed
  /// conditioned run ends bit-identical to an uninterrupted one.
  @Test func conditionedRunResumesBitIdentical() throws {
    let straight = temporaryDirectory()
    let split = temporaryDirectory()
    defer { for d in [straight, split] { try? FileManager.default.removeItem(at: d) } }
    try trainer(straight, steps: 14).run()
    try trainer(split, steps: 6).run()
    try trainer(split, steps: 14, resume: true).run()
    let a = try Safetensors.decode(Data(contentsOf: RunDirectory(straight).latestURL), path: "a").tensors
    let b = try Safetensors.decode(Data(contentsOf: RunDirectory(split).latestURL), path: "b").tensors
    #expect(a["trainer.state_kappa"]?.shape == [4, 2] && a["trainer.state_window"]?.shape == [4, 3])
    #expect(a["window.weight"]?.shape == [6, 8] && a["decoder.weight"]?.shape == [4, 16])
    #expect(a.keys.sorted() == b.keys.sorted())
    for (name, t) in a { #expect(t.values.map(\.bitPattern) == b[name]!.values.map(\.bitPattern), "\(name)") }
    let manifest = try RunDirectory(straight).checkpoint(.latest).manifest
    #expect(manifest.model.condition == ConditionConfig(classes: 3, mixtures: 2))
  }

  /// Generation reads the condition and stops once the window has passed its end; a model that
  /// needs a condition refuses to run without one.
  @Test func generationStopsAfterTheCondition() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try trainer(dir, steps: 150).run()
    let checkpoint = try RunDirectory(dir).checkpoint(.latest)
    var domain = CountingDomain()
    domain.conditioned = true
    let generator = try Generator(domain: domain, checkpoint: checkpoint)
    let samples = try generator.generate(
      prime: [0], length: 200, count: 3, controls: SamplingControls(temperature: 0.5), seed: 1, condition: [2, 0, 1])
    for sample in samples { #expect(sample.count < 200, "the window never passed the end (\(sample.count) steps)") }
    #expect(throws: EngineError.self) {
      try generator.generate(prime: [0], length: 5, count: 1, controls: SamplingControls(), seed: 1)
    }
    // A checkpoint whose codec and condition disagree is refused when loaded, not trapped on later.
    var plain = CountingDomain()
    plain.conditioned = false
    #expect(throws: EngineError.self) { try Generator(domain: plain, checkpoint: checkpoint) }
  }

  /// A sequence without what the domain conditions on is an error naming it; so is a window of
  /// no Gaussians.
  @Test func badConditionedInput() throws {
    let parent = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: parent) }
    let dir = parent.appendingPathComponent("run")
    var domain = CountingDomain()
    domain.conditioned = true
    var o = TrainingOptions()
    (o.hiddenSize, o.seqLength, o.batchSize, o.steps) = (4, 5, 2, 1)
    let bare = [SourceSequence(source: "bare.txt", steps: Array(repeating: 1, count: 40))]
    #expect {
      try Trainer(domain: domain, sequences: bare, dataPaths: [], options: o, run: RunDirectory(dir), resume: false)
    } throws: { "\($0)".contains("bare.txt") }
    #expect(!FileManager.default.fileExists(atPath: dir.path))
    #expect(throws: EngineError.self) { try trainer(dir, steps: 1, mixtures: 0) }
  }
}
