import Foundation
import Testing

@testable import SeqGenEngine

/// The mixture-density head: finite differences, torch parity through the committed golden file
/// (scripts/make_mdn_golden.py), numerical stability at the floors, and sampling statistics.
@Suite struct MixtureDensityHeadTests {
  typealias Point = MixtureDensityHead.Point

  /// The head's loss written out in float64, independently of the head's code, so finite
  /// differences are not swamped by Float32 rounding.
  static func reference(_ y: [Double], _ targets: [Point?], head: MixtureDensityHead) -> Double {
    let m = head.components
    let w = head.outputSize
    var total = 0.0
    for (r, t) in targets.enumerated() {
      guard let t else { continue }
      let row = Array(y[(r * w)..<(r * w + w)])
      let e = row[0]
      let eos = t.eos ? 1.0 : 0.0
      total += max(e, 0) + log1p(exp(-abs(e))) - eos * e
      let pis = (0..<m).map { row[1 + $0] }
      let piTop = pis.max()!
      let logNorm = piTop + log(pis.map { exp($0 - piTop) }.reduce(0, +))
      var terms: [Double] = []
      for k in 0..<m {
        let sx = exp(max(row[1 + 3 * m + k], log(Double(head.sigmaMin))))
        let sy = exp(max(row[1 + 4 * m + k], log(Double(head.sigmaMin))))
        let rho = min(max(tanh(row[1 + 5 * m + k]), -Double(head.rhoMax)), Double(head.rhoMax))
        let a = (Double(t.dx) - row[1 + m + k]) / sx
        let b = (Double(t.dy) - row[1 + 2 * m + k]) / sy
        let q = 1 - rho * rho
        let z = a * a + b * b - 2 * rho * a * b
        terms.append(pis[k] - logNorm - log(2 * Double.pi * sx * sy) - 0.5 * log(q) - z / (2 * q))
      }
      let top = terms.max()!
      total -= top + log(terms.map { exp($0 - top) }.reduce(0, +))
    }
    return total
  }

  @Test func gradientMatchesFiniteDifferences() {
    let head = MixtureDensityHead(components: 4)
    let w = head.outputSize
    var rng = SeededGenerator(seed: 21)
    let targets: [Point?] = [
      Point(dx: 0.3, dy: -0.7, eos: false), nil, Point(dx: -1.2, dy: 0.4, eos: true),
      Point(dx: 0.05, dy: 0.1, eos: false),
    ]
    let output = FloatBuffer(count: targets.count * w)
    let d = FloatBuffer(count: targets.count * w)
    for i in 0..<output.count { output[i] = Float(rng.nextGaussian()) }
    // σ̂ around −0.5 and ρ̂ in (−1.5, 1.5): inside the floors, with real correlation.
    for r in 0..<targets.count {
      for k in 0..<8 { output[r * w + 1 + 12 + k] = output[r * w + 1 + 12 + k] * 0.4 - 0.5 }
    }
    let loss = targets.withUnsafeBufferPointer {
      head.loss(output.pointer, targets: $0, scale: 0.5, dOutput: d.pointer, parameters: .none)
    }
    let x = output.array.map(Double.init)
    #expect(relativeError(loss, Self.reference(x, targets, head: head)) < 1e-5)
    for j in w..<(2 * w) { #expect(d[j] == 0, "padding row has a gradient") }
    var worst = 0.0
    for i in 0..<x.count {
      var plus = x
      var minus = x
      plus[i] += 1e-6
      minus[i] -= 1e-6
      let numeric =
        0.5 * (Self.reference(plus, targets, head: head) - Self.reference(minus, targets, head: head)) / 2e-6
      worst = max(worst, relativeError(Double(d[i]), numeric, floor: 1e-3))
    }
    #expect(worst < 1e-3, "worst relative error \(worst)")
  }

  /// The head inside a model: the gradient reaches the LSTM weights and the dense input rows.
  @Test func gradientThroughTheModel() {
    let head = MixtureDensityHead(components: 2)
    let config = ModelConfig(
      input: .dense(width: 3), hiddenSize: 4, numLayers: 1, dropout: 0, outputSize: head.outputSize)
    let model = Model(config: config, head: head, maxSteps: 3, batch: 2)
    var rng = SeededGenerator(seed: 8)
    model.initialize(rng: &rng)
    let chunk = Chunk<Point>(kind: .dense(width: 3), capacity: 6)
    chunk.setShape(steps: 3, batch: 2)
    for i in 0..<18 { chunk.dense[i] = rng.nextFloat() * 2 - 1 }
    chunk.targets = (0..<6).map { i in
      i == 3 ? nil : Point(dx: rng.nextFloat() - 0.5, dy: rng.nextFloat() - 0.5, eos: i % 2 == 0)
    }
    func loss(gradient: Bool) -> Double {
      let state = RecurrentState(numLayers: 1, batch: 2, hiddenSize: 4)
      model.forward(chunk.input, steps: 3, batch: 2, state: state, resets: chunk.resets, rng: &rng)
      return chunk.targets.withUnsafeBufferPointer { model.loss(targets: $0, gradient: gradient) }
    }
    _ = loss(gradient: true)
    model.params.zeroGradients()
    model.backward(steps: 3, batch: 2, resets: chunk.resets, inputGradient: true)
    let dParams = model.params.gradients.array
    let dInput = Array(UnsafeBufferPointer(start: model.lstm.dInput, count: 18))
    let worst = worstGradientError([(model.params.values, dParams), (chunk.dense, dInput)], floor: 1e-2) {
      loss(gradient: false)
    }
    #expect(worst < 1e-2, "worst relative error \(worst)")
  }

  struct Tensor: Decodable {
    var shape: [Int]
    var data: [Double]
  }

  struct Case: Decodable {
    var output: Tensor
    var dx, dy: [Double]
    var eos, hasTarget: [Bool]
    var loss: Double
    var gradient: Tensor
  }

  struct Golden: Decodable {
    var components: Int
    var sigmaMin, rhoMax, scale: Double
    var cases: [String: Case]
  }

  static let golden: Golden = {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/mdn_golden.json")
    return try! JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
  }()

  /// Loss and gradient equal torch's (float64) to Float32 accuracy, including the rows at the
  /// σ floor, the ρ clamp, far from every mean, and with a saturated eos logit.
  @Test(arguments: ["ordinary", "extreme"])
  func matchesTorch(name: String) throws {
    let g = Self.golden
    let c = try #require(g.cases[name])
    let head = MixtureDensityHead(components: g.components, sigmaMin: Float(g.sigmaMin), rhoMax: Float(g.rhoMax))
    #expect(c.output.shape == [c.dx.count, head.outputSize])
    let targets: [Point?] = c.dx.indices.map { i in
      c.hasTarget[i] ? Point(dx: Float(c.dx[i]), dy: Float(c.dy[i]), eos: c.eos[i]) : nil
    }
    let output = c.output.data.map(Float.init)
    var d = [Float](repeating: .nan, count: output.count)
    let loss = targets.withUnsafeBufferPointer { t in
      d.withUnsafeMutableBufferPointer {
        head.loss(output, targets: t, scale: Float(g.scale), dOutput: $0.baseAddress, parameters: .none)
      }
    }
    #expect(loss.isFinite)
    #expect(abs(loss - c.loss) <= 2e-5 * abs(c.loss), "loss \(loss) vs torch \(c.loss)")
    var worst = 0.0
    for (a, e) in zip(d, c.gradient.data) {
      #expect(a.isFinite)
      worst = max(worst, abs(Double(a) - e) / (1e-4 * max(abs(Double(a)), abs(e)) + 1e-6))
    }
    #expect(worst <= 1, "gradient: worst error is \(worst)× the tolerance")
  }

  /// Draws from a row with one known component reproduce its mean, spread and correlation;
  /// Graves' bias shrinks σ by e^−b and temperature widens it by √τ.
  @Test(arguments: [(Float(1), Float?.none), (1, 1.0), (0.5, nil)])
  func samplesFollowTheDistribution(temperature: Float, bias: Float?) {
    let head = MixtureDensityHead(components: 2)
    var row = [Float](repeating: 0, count: head.outputSize)
    row[0] = -1  // p(eos) = sigmoid(−1/τ)
    row[1] = 8
    row[2] = -8  // nearly all weight on component 0
    row[3] = 1.5
    row[5] = -0.5  // μ
    row[7] = logf(2)
    row[9] = logf(0.5)  // σx = 2, σy = 0.5
    row[11] = atanhf(0.6)  // ρ = 0.6
    var rng = SeededGenerator(seed: 99)
    let controls = SamplingControls(temperature: temperature, bias: bias)
    let n = 40_000
    var xs = [Double]()
    var ys = [Double]()
    var ends = 0
    for _ in 0..<n {
      let p = row.withUnsafeBufferPointer {
        head.sample($0.baseAddress!, controls: controls, parameters: .none, rng: &rng)
      }
      xs.append(Double(p.dx))
      ys.append(Double(p.dy))
      if p.eos { ends += 1 }
    }
    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    let mx = mean(xs)
    let my = mean(ys)
    let sx = mean(xs.map { ($0 - mx) * ($0 - mx) }).squareRoot()
    let sy = mean(ys.map { ($0 - my) * ($0 - my) }).squareRoot()
    let rho = mean(zip(xs, ys).map { ($0 - mx) * ($1 - my) }) / (sx * sy)
    let shrink = exp(-Double(bias ?? 0)) * Double(temperature).squareRoot()
    #expect(abs(mx - 1.5) < 0.05 && abs(my + 0.5) < 0.02, "mean (\(mx), \(my))")
    #expect(abs(sx / (2 * shrink) - 1) < 0.03 && abs(sy / (0.5 * shrink) - 1) < 0.03, "σ (\(sx), \(sy))")
    #expect(abs(rho - 0.6) < 0.02, "ρ \(rho)")
    let pEnd = 1 / (1 + exp(1 / Double(temperature)))
    #expect(abs(Double(ends) / Double(n) - pEnd) < 0.01, "eos rate \(Double(ends) / Double(n)) vs \(pEnd)")
  }

  /// The bias sharpens the choice of component: π = softmax(π̂·(1 + b)).
  @Test func biasSharpensTheMixtureWeights() {
    let head = MixtureDensityHead(components: 2)
    var row = [Float](repeating: 0, count: head.outputSize)
    row[1] = 1
    row[2] = 0
    let plain = row.withUnsafeBufferPointer { head.mixture($0.baseAddress!) }
    let biased = row.withUnsafeBufferPointer { head.mixture($0.baseAddress!, controls: SamplingControls(bias: 2)) }
    #expect(abs(plain.weights[0] - 1 / (1 + exp(-1))) < 1e-12)
    #expect(abs(biased.weights[0] - 1 / (1 + exp(-3))) < 1e-12)
    #expect(abs(biased.sigmaX[0] - exp(-2)) < 1e-12)
  }

  @Test func classControlsAreRejectedAndBiasAccepted() throws {
    let head = MixtureDensityHead(components: 2)
    try head.check(SamplingControls(temperature: 0.7, bias: 1.5))
    for (controls, name) in [
      (SamplingControls(topK: 3), "topK"), (SamplingControls(topP: 0.9), "topP"),
      (SamplingControls(argmax: true), "argmax"),
    ] {
      let error = #expect(throws: EngineError.self) { try head.check(controls) }
      #expect(error?.description.hasPrefix("`\(name)` is not read") == true, "\(String(describing: error))")
    }
    #expect(throws: EngineError.self) { try head.check(SamplingControls(bias: -1)) }
  }
}
