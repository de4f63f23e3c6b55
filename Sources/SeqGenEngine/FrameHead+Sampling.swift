import Foundation

/// Drawing a frame sample by sample, and the controls only this head can judge.
extension FrameHead {
  /// Draws a frame at the start of a sequence: the window before it is silence (level Q/2).
  public func sample(
    _ output: UnsafePointer<Float>, controls: SamplingControls, parameters: HeadParameters, rng: inout SeededGenerator
  ) -> [Int] {
    sample(
      output, after: [Int](repeating: levels / 2, count: targetSize), controls: controls, parameters: parameters,
      rng: &rng)
  }

  /// Draws a frame sample by sample, each conditioned on the W samples before it: the last W
  /// levels of `previous` (the step the LSTM has just read, W + N levels) and those drawn since.
  ///
  /// - Returns: the window it drew after, then the frame (W + N levels, laid out as a target).
  public func sample(
    _ output: UnsafePointer<Float>, after previous: [Int], controls: SamplingControls, parameters: HeadParameters,
    rng: inout SeededGenerator
  ) -> [Int] {
    let N = frameSize
    let D = hiddenSize
    let Q = levels
    let W = window
    let WE = window * embeddingSize
    precondition(previous.count == W + N, "previous step has \(previous.count) levels, expected \(W) + \(N)")
    let s = scratch
    s.reserve(positions: 1, window: WE, hidden: D, levels: Q)
    let p = UnsafePointer(parameters.values)
    let l = layout
    var drawn = Array(previous.suffix(W)) + [Int](repeating: 0, count: N)
    let categorical = CategoricalHead(classes: Q)
    let plain = controls.topK == nil && controls.topP == nil && !controls.argmax
    /// Quiet: the W levels before sample j are on average less than the gate from the middle.
    func quiet(_ t: UnsafeMutableBufferPointer<Int>, _ j: Int) -> Bool {
      guard let gate = controls.loudnessGate, W > 0 else { return false }
      var distance = 0
      for k in 1...W { distance += abs(t[W + j - k] - Q / 2) }
      return distance < gate * W
    }
    drawn.withUnsafeMutableBufferPointer { t in
      for j in 0..<N {
        s.h1.update(from: output + j * D, count: D)
        if W > 0 { fillWindow(s.x, target: UnsafePointer(t.baseAddress!), position: j, embedding: p + l.embedding) }
        _ = mlpForward(positions: 1, parameters: p)
        if quiet(t, j) {
          t[W + j] = drawSoftmax(s.z, temperature: 1, rng: &rng)
        } else if plain {
          t[W + j] = drawSoftmax(s.z, temperature: controls.temperature, rng: &rng)
        } else {
          t[W + j] = categorical.sample(s.z, controls: controls, parameters: .none, rng: &rng)
        }
      }
    }
    return drawn
  }

  /// One draw from softmax(z / temperature) by inverse CDF, without sorting.
  @inline(__always)
  func drawSoftmax(_ z: UnsafeMutablePointer<Float>, temperature: Float, rng: inout SeededGenerator) -> Int {
    let Q = levels
    var top = z[0]
    for q in 1..<Q { top = max(top, z[q]) }
    let inv = 1 / temperature
    var sum: Double = 0
    for q in 0..<Q {
      z[q] = expf((z[q] - top) * inv)
      sum += Double(z[q])
    }
    let u = rng.nextDouble() * sum
    var cumulative: Double = 0
    for q in 0..<Q {
      cumulative += Double(z[q])
      if u < cumulative { return q }
    }
    return (0..<Q).last { z[$0] > 0 } ?? 0
  }

  public static let acceptedControls: Set<SamplingControl> = [.temperature, .topK, .topP, .argmax, .loudnessGate]

  /// The gate measures the window before each sample, so it needs one.
  public func checkOwnControls(_ controls: SamplingControls) throws(EngineError) {
    guard let gate = controls.loudnessGate else { return }
    guard window > 0 else {
      throw .invalidOption(name: "loudnessGate", reason: "needs a model with a sample window (window > 0)")
    }
    guard gate >= 0 && gate <= levels / 2 else {
      throw .invalidOption(name: "loudnessGate", reason: "must be in 0...\(levels / 2) levels, got \(gate)")
    }
  }

  /// Work buffers, grown on demand and kept between calls.
  final class Scratch: @unchecked Sendable {
    private(set) var capacity = (positions: 0, window: 0, hidden: 0, levels: 0)
    var x = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var dx = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var h1 = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var h2 = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var d1 = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var d2 = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var z = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    func reserve(positions: Int, window: Int, hidden: Int, levels: Int) {
      let c = capacity
      guard positions > c.positions || window != c.window || hidden != c.hidden || levels != c.levels else { return }
      free()
      let m = max(positions, c.positions)
      x = .allocate(capacity: max(1, m * window))
      dx = .allocate(capacity: max(1, m * window))
      h1 = .allocate(capacity: m * hidden)
      h2 = .allocate(capacity: m * hidden)
      d1 = .allocate(capacity: m * hidden)
      d2 = .allocate(capacity: m * hidden)
      z = .allocate(capacity: m * levels)
      capacity = (m, window, hidden, levels)
    }

    func free() {
      for p in [x, dx, h1, h2, d1, d2, z] { p.deallocate() }
    }

    deinit { free() }
  }
}
