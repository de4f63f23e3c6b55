import Foundation
import Testing

@testable import SeqGenEngine

/// The SampleRNN sample-level head: finite differences against a float64 re-implementation, a
/// model-level check through the flat parameter buffer, torch parity through the committed
/// golden file (scripts/make_frame_head_golden.py), and sampling behaviour.
@Suite struct FrameHeadTests {
  /// The head's loss written again in float64, straight from the formulas in FrameHead's doc,
  /// so finite differences are not swamped by Float32 rounding. A target is [s_−W … s_−1, s_0 … s_N−1].
  static func referenceLoss(_ head: FrameHead, output: [Double], targets: [[Int]?], params: [Double]) -> Double {
    let N = head.frameSize
    let D = head.hiddenSize
    let E = head.embeddingSize
    let Q = head.levels
    let W = head.window
    let l = head.layout
    var total = 0.0
    for (r, target) in targets.enumerated() {
      guard let target else { continue }
      func s(_ i: Int) -> Int { target[W + i] }
      for j in 0..<N {
        var a1 = (0..<D).map { output[r * N * D + j * D + $0] }
        if W > 0 {
          for d in 0..<D {
            for k in 1...W {
              for e in 0..<E {
                a1[d] += params[l.w0 + d * W * E + (k - 1) * E + e] * params[l.embedding + s(j - k) * E + e]
              }
            }
          }
        }
        let h1 = a1.map { max($0, 0) }
        let h2 = (0..<D).map { d in
          max(0, params[l.b2 + d] + (0..<D).reduce(0.0) { $0 + params[l.w2 + d * D + $1] * h1[$1] })
        }
        let z = (0..<Q).map { q in params[l.b4 + q] + (0..<D).reduce(0.0) { $0 + params[l.w4 + q * D + $1] * h2[$1] } }
        let top = z.max()!
        total += top + log(z.reduce(0.0) { $0 + exp($1 - top) }) - z[s(j)]
      }
    }
    return total
  }

  /// (frame size, window): the one-tier model without a window, SampleRNN's W = N, a window
  /// shorter than the frame, and one reaching back past the previous frame.
  @Test(arguments: [(1, 0), (1, 1), (4, 4), (4, 2), (2, 5)])
  func gradientsMatchFiniteDifferencesOfAFloat64Reference(frameSize: Int, window: Int) {
    let head = FrameHead(frameSize: frameSize, window: window, levels: 7, hiddenSize: 5, embeddingSize: 3)
    let block = FloatBuffer(count: head.layout.count)
    let grads = FloatBuffer(count: head.layout.count)
    var rng = SeededGenerator(seed: 21)
    head.initialize(HeadParameters(values: block.pointer, gradients: grads.pointer), rng: &rng)
    for i in 0..<block.count { block[i] *= 2 }
    let size = head.targetSize
    let targets: [[Int]?] = [(0..<size).map { ($0 * 3 + 1) % 7 }, nil, (0..<size).map { (6 - $0 % 7) }]
    let output = FloatBuffer(count: 3 * head.outputSize)
    let dOutput = FloatBuffer(count: 3 * head.outputSize)
    for i in 0..<output.count { output[i] = (rng.nextFloat() - 0.5) * 3 }
    let scale: Float = 0.5
    let loss = targets.withUnsafeBufferPointer {
      head.loss(
        output.pointer, targets: $0, scale: scale, dOutput: dOutput.pointer,
        parameters: HeadParameters(values: block.pointer, gradients: grads.pointer))
    }
    let x = output.array.map(Double.init)
    let p = block.array.map(Double.init)
    #expect(relativeError(loss, Self.referenceLoss(head, output: x, targets: targets, params: p)) < 1e-5)
    // Padding rows get exactly zero.
    for i in head.outputSize..<(2 * head.outputSize) { #expect(dOutput[i] == 0) }
    let h = 1e-6
    var worst = 0.0
    for i in 0..<x.count {
      var plus = x
      var minus = x
      plus[i] += h
      minus[i] -= h
      let numeric =
        Double(scale)
        * (Self.referenceLoss(head, output: plus, targets: targets, params: p)
          - Self.referenceLoss(head, output: minus, targets: targets, params: p)) / (2 * h)
      worst = max(worst, relativeError(Double(dOutput[i]), numeric, floor: 1e-4))
    }
    #expect(worst < 1e-4, "outputs: worst relative error \(worst)")
    worst = 0
    for i in 0..<p.count {
      var plus = p
      var minus = p
      plus[i] += h
      minus[i] -= h
      let numeric =
        Double(scale)
        * (Self.referenceLoss(head, output: x, targets: targets, params: plus)
          - Self.referenceLoss(head, output: x, targets: targets, params: minus)) / (2 * h)
      worst = max(worst, relativeError(Double(grads[i]), numeric, floor: 1e-4))
    }
    #expect(worst < 1e-4, "head parameters: worst relative error \(worst)")
    // Every tensor gets a gradient (a layout slip would leave one at zero).
    for spec in head.parameterSpecs {
      let offset = head.layout.offset(of: spec.name)
      #expect((offset..<(offset + spec.count)).contains { grads[$0] != 0 }, "\(spec.name) has no gradient")
    }
  }

  /// LSTM → decoder → frame head as the trainer runs it: the head's tensors live in the flat
  /// buffer after the decoder, initialised by the head, and the model's loss hands the head
  /// exactly the decoder output and passes its gradient on to the decoder (the LSTM and decoder
  /// backward passes are checked by GradientCheckTests and TorchParityTests).
  @Test func modelWiresTheHeadThroughTheFlatBuffer() {
    let head = FrameHead(frameSize: 3, window: 3, levels: 6, hiddenSize: 4, embeddingSize: 2)
    let config = ModelConfig(
      input: .dense(width: 3), hiddenSize: 4, numLayers: 1, dropout: 0, outputSize: head.outputSize,
      headParameters: head.parameterSpecs)
    let model = Model(config: config, head: head, maxSteps: 2, batch: 2)
    var rng = SeededGenerator(seed: 8)
    model.initialize(rng: &rng)
    #expect(model.params.entries.suffix(6).map(\.name) == head.parameterSpecs.map(\.name))
    let embedding = model.params.entry("head.embedding.weight")
    let values = Array(
      UnsafeBufferPointer(start: model.params.values.pointer + embedding.offset, count: embedding.count))
    let mean = values.reduce(0, +) / Float(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
    #expect(
      abs(mean) < 0.3 && abs(variance - 1) < 0.4, "embedding initialised N(0, 1): mean \(mean), variance \(variance)")

    let chunk = Chunk<[Int]>(kind: .dense(width: 3), capacity: 4)
    chunk.setShape(steps: 2, batch: 2)
    for i in 0..<12 { chunk.dense[i] = rng.nextFloat() * 2 - 1 }
    chunk.targets = [[3, 3, 3, 1, 5, 0], [3, 3, 3, 2, 2, 3], nil, [1, 5, 0, 4, 0, 1]]
    let state = RecurrentState(numLayers: 1, batch: 2, hiddenSize: 4)
    model.params.zeroGradients()
    let output = model.forward(chunk.input, steps: 2, batch: 2, state: state, resets: chunk.resets, rng: &rng)
    let nats = chunk.targets.withUnsafeBufferPointer { model.loss(targets: $0, scale: 0.5, gradient: true) }

    let headCount = head.layout.count
    let dAlone = FloatBuffer(count: 4 * head.outputSize)
    let gAlone = FloatBuffer(count: headCount)
    let headValues = model.params.values.pointer + model.params.count - headCount
    let alone = chunk.targets.withUnsafeBufferPointer {
      head.loss(
        output, targets: $0, scale: 0.5, dOutput: dAlone.pointer,
        parameters: HeadParameters(values: headValues, gradients: gAlone.pointer))
    }
    #expect(nats == alone)
    #expect(model.dLogits.array.prefix(dAlone.count).elementsEqual(dAlone.array))
    #expect(Array(model.params.gradients.array.suffix(headCount)) == gAlone.array)
    model.backward(steps: 2, batch: 2, resets: chunk.resets)
    let decoderBias = model.params.entry("decoder.bias")
    for c in 0..<head.outputSize {
      let expected = (0..<4).reduce(Float(0)) { $0 + dAlone[$1 * head.outputSize + c] }
      #expect(abs(model.params.gradients[decoderBias.offset + c] - expected) <= 1e-6)
    }
  }

  // MARK: Torch parity

  struct Tensor: Decodable {
    var shape: [Int]
    var data: [Double]
  }

  struct Case: Decodable {
    struct Config: Decodable {
      var frameSize, window, levels, hiddenSize, embeddingSize, rows: Int
      var scale: Double
    }
    var config: Config
    var weights: [String: Tensor]
    var output: Tensor
    var targets: [[Int]?]
    var logits: Tensor
    var loss: Double
    var dOutput: Tensor
    var gradients: [String: Tensor]
  }

  static let golden: [String: Case] = {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/frame_head_golden.json")
    return try! JSONDecoder().decode([String: Case].self, from: Data(contentsOf: url))
  }()

  func expectClose(
    _ actual: [Float], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
    var worst = 0.0
    for (a, e) in zip(actual, expected) {
      worst = max(worst, abs(Double(a) - e) / (1e-5 * max(abs(Double(a)), abs(e)) + 1e-6))
    }
    #expect(worst <= 1, "\(what): worst error is \(worst)× the tolerance", sourceLocation: sourceLocation)
  }

  @Test(arguments: ["framed", "shortWindow", "longWindow", "oneTier"])
  func matchesTorch(name: String) throws {
    let g = try #require(Self.golden[name])
    let c = g.config
    let head = FrameHead(
      frameSize: c.frameSize, window: c.window, levels: c.levels, hiddenSize: c.hiddenSize,
      embeddingSize: c.embeddingSize)
    #expect(
      head.parameterSpecs.map(\.name)
        == g.weights.keys.sorted { head.layout.offset(of: $0) < head.layout.offset(of: $1) })
    #expect(Set(head.parameterSpecs.map(\.name)) == Set(g.weights.keys))
    let values = FloatBuffer(count: head.layout.count)
    let grads = FloatBuffer(count: head.layout.count)
    for spec in head.parameterSpecs {
      let t = try #require(g.weights[spec.name])
      #expect(t.shape == spec.shape, "\(spec.name) shape")
      (values.pointer + head.layout.offset(of: spec.name)).update(from: t.data.map(Float.init), count: spec.count)
    }
    let parameters = HeadParameters(values: values.pointer, gradients: grads.pointer)
    let output = g.output.data.map(Float.init)
    var dOutput = [Float](repeating: .nan, count: output.count)
    let loss = g.targets.withUnsafeBufferPointer { targets in
      output.withUnsafeBufferPointer { o in
        dOutput.withUnsafeMutableBufferPointer { d in
          head.loss(
            o.baseAddress!, targets: targets, scale: Float(c.scale), dOutput: d.baseAddress!, parameters: parameters)
        }
      }
    }
    expectClose([Float(loss)], [g.loss], "loss")
    expectClose(dOutput, g.dOutput.data, "d output")
    for spec in head.parameterSpecs {
      let offset = head.layout.offset(of: spec.name)
      expectClose(
        Array(UnsafeBufferPointer(start: grads.pointer + offset, count: spec.count)), g.gradients[spec.name]!.data,
        "d \(spec.name)")
    }
    let rows = g.targets.indices.filter { g.targets[$0] != nil }
    let logits = g.targets.withUnsafeBufferPointer { targets in
      output.withUnsafeBufferPointer {
        head.forward($0.baseAddress!, rows: rows, targets: targets, parameters: parameters)
      }
    }
    expectClose(
      Array(UnsafeBufferPointer(start: logits, count: rows.count * c.frameSize * c.levels)), g.logits.data, "logits")
  }

  // MARK: Sampling

  /// Sampling draws each position from the same distribution the loss scores, after the window
  /// it is given: with a frame of two, the empirical frequencies of many draws match the softmax
  /// of the teacher-forced logits of targets that start with the previous step's last W levels.
  @Test func samplingFollowsTheModelsConditionals() {
    let head = FrameHead(frameSize: 2, window: 2, levels: 4, hiddenSize: 3, embeddingSize: 2)
    var rng = SeededGenerator(seed: 5)
    let (values, grads, parameters) = initialized(head, rng: &rng)
    for i in 0..<values.count { values[i] *= 2 }
    let output = FloatBuffer(count: head.outputSize)
    for i in 0..<output.count { output[i] = rng.nextFloat() - 0.5 }
    #expect(head.readsPreviousStep)
    let previous = [2, 1, 3, 0]  // its own window [2, 1], then its frame [3, 0]: the next window
    // Exact joint probabilities of all 16 frames from the loss.
    var exact: [Double] = []
    for a in 0..<4 {
      for b in 0..<4 {
        let nats = [[3, 0, a, b]].map(Optional.some).withUnsafeBufferPointer {
          head.loss(output.pointer, targets: $0, scale: 1, dOutput: nil, parameters: parameters)
        }
        exact.append(exp(-nats))
      }
    }
    #expect(abs(exact.reduce(0, +) - 1) < 1e-4)
    var counts = [Int](repeating: 0, count: 16)
    let draws = 20_000
    for _ in 0..<draws {
      let f = head.sample(
        output.pointer, after: previous, controls: SamplingControls(), parameters: parameters, rng: &rng)
      #expect(f.count == 4 && f.prefix(2) == [3, 0], "a draw starts with the window it followed")
      counts[f[2] * 4 + f[3]] += 1
    }
    for k in 0..<16 {
      let p = exact[k]
      let sd = (p * (1 - p) / Double(draws)).squareRoot()
      #expect(abs(Double(counts[k]) / Double(draws) - p) < 5 * sd + 1e-3, "frame \(k): \(counts[k]) draws, p = \(p)")
    }
    // Greedy takes the most likely level at each position; a low temperature approaches it.
    let greedy = head.sample(
      output.pointer, after: previous, controls: SamplingControls(argmax: true), parameters: parameters, rng: &rng)
    let cold = head.sample(
      output.pointer, after: previous, controls: SamplingControls(temperature: 1e-3), parameters: parameters, rng: &rng)
    #expect(greedy == cold)
    // Without a previous step the window is silence, level Q/2.
    let start = head.sample(output.pointer, controls: SamplingControls(argmax: true), parameters: parameters, rng: &rng)
    #expect(
      start
        == head.sample(
          output.pointer, after: [0, 0, 2, 2], controls: SamplingControls(argmax: true), parameters: parameters,
          rng: &rng))
    #expect(throws: EngineError.self) { try head.check(SamplingControls(bias: 1)) }
  }

  /// With a loudness gate, sharpening applies only after a loud window: after a window at the
  /// middle level (silence) greedy sampling draws exactly what plain sampling draws from the
  /// same generator, and with a gate of 0 every window is loud, so nothing changes.
  @Test func theLoudnessGateSharpensOnlyAfterLoudWindows() throws {
    let head = FrameHead(frameSize: 2, window: 2, levels: 4, hiddenSize: 3, embeddingSize: 2)
    var rng = SeededGenerator(seed: 6)
    let (_, _, parameters) = initialized(head, rng: &rng)
    let output = FloatBuffer(count: head.outputSize)
    for i in 0..<output.count { output[i] = rng.nextFloat() - 0.5 }
    func draw(_ controls: SamplingControls, after previous: [Int], seed: UInt64) -> [Int] {
      var r = SeededGenerator(seed: seed)
      return head.sample(output.pointer, after: previous, controls: controls, parameters: parameters, rng: &r)
    }
    // no level is more than Q/2 = 2 from the middle: every window is quieter than a gate of 2
    let silent = [2, 2, 2, 2]
    var greedyDraws = Set<[Int]>()
    for seed in 0..<50 as Range<UInt64> {
      let gated = draw(SamplingControls(argmax: true, loudnessGate: 2), after: silent, seed: seed)
      #expect(
        gated == draw(SamplingControls(), after: silent, seed: seed),
        "seed \(seed): a quiet window draws from the plain softmax")
      greedyDraws.insert(gated)
      let loud = [0, 3, 0, 0]
      #expect(
        draw(SamplingControls(topK: 1, loudnessGate: 0), after: loud, seed: seed)
          == draw(SamplingControls(topK: 1), after: loud, seed: seed))
    }
    #expect(greedyDraws.count > 1, "gated greedy sampling after silence still varies")
    try head.check(SamplingControls(topK: 5, loudnessGate: 2))
    #expect(throws: EngineError.self) { try head.check(SamplingControls(loudnessGate: 3)) }
    #expect(throws: EngineError.self) {
      try FrameHead(frameSize: 2, window: 0, levels: 4, hiddenSize: 3, embeddingSize: 2).check(
        SamplingControls(loudnessGate: 1))
    }
    #expect(throws: EngineError.self) { try CategoricalHead(classes: 4).check(SamplingControls(loudnessGate: 1)) }
  }

  /// The window slides across the frame boundary: sample j sees s_{j−1} … s_{j−W}, so the
  /// oldest level of the window before the frame (s_−W) reaches sample 0 only, and the newest
  /// (s_−1) reaches every sample; the loss of the frame follows. A window inside the frame
  /// (the old head) would leave sample 0 blind to both.
  @Test func theWindowReachesBackIntoThePreviousFrame() {
    let head = FrameHead(frameSize: 4, window: 4, levels: 9, hiddenSize: 6, embeddingSize: 3)
    var rng = SeededGenerator(seed: 17)
    let (values, grads, parameters) = initialized(head, rng: &rng)
    let output = FloatBuffer(count: head.outputSize)
    for i in 0..<output.count { output[i] = rng.nextFloat() - 0.5 }
    func logits(_ target: [Int]) -> [[Float]] {
      let z = [target].map(Optional.some).withUnsafeBufferPointer {
        head.forward(output.pointer, rows: [0], targets: $0, parameters: parameters)
      }
      return (0..<4).map { j in Array(UnsafeBufferPointer(start: z + j * 9, count: 9)) }
    }
    func loss(_ target: [Int]) -> Double {
      [target].map(Optional.some).withUnsafeBufferPointer {
        head.loss(output.pointer, targets: $0, scale: 1, dOutput: nil, parameters: parameters)
      }
    }
    let frame = [5, 6, 2, 7]
    let base = logits([1, 2, 3, 4] + frame)
    let oldestChanged = logits([8, 2, 3, 4] + frame)
    let newestChanged = logits([1, 2, 3, 0] + frame)
    #expect(base[0] != oldestChanged[0], "sample 0 sees the oldest sample of its window, in the previous frame")
    #expect(base[1...] == oldestChanged[1...], "samples 1… do not reach back that far")
    for j in 0..<4 { #expect(base[j] != newestChanged[j], "sample \(j) sees the previous frame's last sample") }
    #expect(loss([1, 2, 3, 4] + frame) != loss([8, 2, 3, 4] + frame))
  }
}

extension FrameHead.Layout {
  /// Offset of a tensor by name, for tests.
  func offset(of name: String) -> Int {
    switch name {
    case "head.embedding.weight": embedding
    case "head.mlp.0.weight": w0
    case "head.mlp.2.weight": w2
    case "head.mlp.2.bias": b2
    case "head.mlp.4.weight": w4
    default: b4
    }
  }
}

/// Fresh value and gradient buffers for `head`'s own tensors, initialised from `rng`; the
/// buffers are returned so they outlive the parameters that point into them.
func initialized(_ head: FrameHead, rng: inout SeededGenerator) -> (
  values: FloatBuffer, grads: FloatBuffer, parameters: HeadParameters
) {
  let values = FloatBuffer(count: head.layout.count)
  let grads = FloatBuffer(count: head.layout.count)
  let parameters = HeadParameters(values: values.pointer, gradients: grads.pointer)
  head.initialize(parameters, rng: &rng)
  return (values, grads, parameters)
}
