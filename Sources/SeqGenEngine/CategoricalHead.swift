import Foundation
import LSTMMath

/// A softmax over `classes` with cross-entropy loss: the head of text and note events.
public struct CategoricalHead: OutputHead {
  public typealias Target = Int
  public typealias Sample = Int

  public let classes: Int
  public var outputSize: Int { classes }

  public init(classes: Int) {
    precondition(classes > 0)
    self.classes = classes
  }

  /// −log softmax(x)[target], computed as logsumexp(x) − x[target]; gradient softmax − one-hot.
  public func loss(
    _ output: UnsafePointer<Float>, targets: UnsafeBufferPointer<Int?>, scale: Float,
    dOutput: UnsafeMutablePointer<Float>?, parameters: HeadParameters
  ) -> Double {
    var total = 0.0
    for (r, target) in targets.enumerated() {
      guard let target else {
        dOutput?.advanced(by: r * classes).update(repeating: 0, count: classes)
        continue
      }
      total += Self.crossEntropy(
        output + r * classes, classes: classes, target: target, scale: scale,
        gradient: dOutput?.advanced(by: r * classes))
    }
    return total
  }

  /// −log softmax(x)[target] of one row of `classes` logits; with `gradient`, writes
  /// scale · (softmax(x) − one-hot(target)) there.
  @inline(__always)
  static func crossEntropy(
    _ x: UnsafePointer<Float>, classes: Int, target: Int, scale: Float, gradient d: UnsafeMutablePointer<Float>?
  ) -> Double {
    precondition(target >= 0 && target < classes, "target class out of range")
    var m = x[0]
    for j in 1..<classes { m = max(m, x[j]) }
    // exp(x − m), kept in the gradient when one is wanted, so it is computed once.
    var lanes = VectorMath.V()
    var j = 0
    while j + 16 <= classes {
      let e = VectorMath.exp(VectorMath.load(x + j) - m)
      if let d { VectorMath.store(e, d + j) }
      lanes += e
      j += 16
    }
    var sum = lanes.sum()
    while j < classes {
      let e = VectorMath.exp(x[j] - m)
      d?[j] = e
      sum += e
      j += 1
    }
    let loss = Double(m + logf(sum) - x[target])
    if let d {
      let inv = scale / sum
      for j in 0..<classes { d[j] *= inv }
      d[target] -= scale
    }
    return loss
  }

  public func sample(
    _ output: UnsafePointer<Float>, controls: SamplingControls, parameters: HeadParameters, rng: inout SeededGenerator
  ) -> Int {
    let logits = UnsafeBufferPointer(start: output, count: classes)
    if controls.argmax { return logits.indices.max { logits[$0] < logits[$1] }! }
    var order = Array(0..<classes)
    order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
    let top = Double(logits[order[0]])
    var probs = order.map { exp((Double(logits[$0]) - top) / Double(controls.temperature)) }
    var keep = min(controls.topK ?? classes, classes)
    if let p = controls.topP {
      let total = probs.reduce(0, +)
      var cumulative = 0.0
      for (n, q) in probs.enumerated() {
        cumulative += q / total
        if cumulative >= Double(p) {
          keep = min(keep, n + 1)
          break
        }
      }
    }
    probs.removeSubrange(keep...)
    let u = rng.nextDouble() * probs.reduce(0, +)
    var cumulative = 0.0
    for (n, q) in probs.enumerated() {
      cumulative += q
      if u < cumulative { return order[n] }
    }
    return order[keep - 1]
  }

  public static let acceptedControls: Set<SamplingControl> = [.temperature, .topK, .topP, .argmax]
}
