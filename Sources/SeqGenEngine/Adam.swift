import Foundation

/// Adam (Kingma & Ba) over the flat parameter buffer, with torch's bias correction, plus
/// global-norm gradient clipping: each a single loop over all parameters.
public final class Adam {
  public var beta1: Float
  public var beta2: Float
  public var eps: Float
  /// First and second moment estimates, laid out like the parameters (torch's exp_avg, exp_avg_sq).
  public let expAvg: FloatBuffer
  public let expAvgSq: FloatBuffer
  /// Updates taken so far (for bias correction).
  public var stepCount = 0

  public init(parameterCount: Int, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    expAvg = FloatBuffer(count: parameterCount)
    expAvgSq = FloatBuffer(count: parameterCount)
  }

  /// Scales all gradients so their global L2 norm is at most `maxNorm` (as torch's
  /// `clip_grad_norm_`, with its 1e-6 guard). Returns the norm before clipping.
  @discardableResult
  public static func clipGradients(_ params: ParameterStore, maxNorm: Float) -> Double {
    let norm = params.gradientNorm()
    guard maxNorm > 0, norm.isFinite else { return norm }
    let coef = Double(maxNorm) / (norm + 1e-6)
    if coef < 1 {
      let g = params.gradients.pointer
      let c = Float(coef)
      for i in 0..<params.count { g[i] *= c }
    }
    return norm
  }

  /// One update: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·m̂ / (√v̂ + eps).
  public func step(_ params: ParameterStore, learningRate lr: Float) {
    stepCount += 1
    let bc1 = 1 - pow(Double(beta1), Double(stepCount))
    let bc2 = 1 - pow(Double(beta2), Double(stepCount))
    let stepSize = Float(Double(lr) / bc1)
    let bc2Sqrt = Float(bc2.squareRoot())
    let p = params.values.pointer
    let g = params.gradients.pointer
    let m = expAvg.pointer
    let v = expAvgSq.pointer
    let b1 = beta1
    let b2 = beta2
    let eps = eps
    for i in 0..<params.count {
      let gi = g[i]
      m[i] = b1 * m[i] + (1 - b1) * gi
      v[i] = b2 * v[i] + (1 - b2) * gi * gi
      p[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
    }
  }
}
