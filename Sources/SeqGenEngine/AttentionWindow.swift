import Foundation

/// Graves' soft attention window over a condition sequence c_0 … c_{U−1} (2013, eqs. 46–51),
/// one row at a time:
///
///     (α̂, β̂, κ̂) = p                                  (3K, the window's linear output)
///     α = exp α̂,   β = exp β̂,   κ = κPrev + exp κ̂
///     φ(u) = Σ_k α_k · exp(−β_k (κ_k − u)²)
///     w = Σ_u φ(u) · onehot(c_u)                       (C)
///
/// κ can only grow, so the window slides along the condition and never back: that is what lets
/// the model write a text in order. Positions count from 0, so a window whose κ is still 0 sits
/// on the first class.
enum AttentionWindow {
  /// p (3K) holds the pre-activations on entry and α, β, κ on exit; `kappaStep` (K) gets exp κ̂
  /// (backward needs it); `window` (C) gets w.
  static func forward(
    mixtures K: Int, classes C: Int, p: UnsafeMutablePointer<Float>, kappaPrev: UnsafePointer<Float>,
    kappaStep: UnsafeMutablePointer<Float>, condition: UnsafeBufferPointer<Int32>, window: UnsafeMutablePointer<Float>
  ) {
    for k in 0..<K {
      p[k] = Foundation.exp(p[k])
      p[K + k] = Foundation.exp(p[K + k])
      kappaStep[k] = Foundation.exp(p[2 * K + k])
      p[2 * K + k] = kappaPrev[k] + kappaStep[k]
    }
    window.update(repeating: 0, count: C)
    for (u, c) in condition.enumerated() {
      window[Int(c)] += phi(mixtures: K, activations: p, at: Float(u))
    }
  }

  /// φ(u) of a row whose α, β, κ are `activations` (3K).
  @inline(__always)
  static func phi(mixtures K: Int, activations a: UnsafePointer<Float>, at u: Float) -> Float {
    var sum: Float = 0
    for k in 0..<K {
      let d = a[2 * K + k] - u
      sum += a[k] * Foundation.exp(-a[K + k] * d * d)
    }
    return sum
  }

  /// Back through one row.
  ///
  /// - Parameters:
  ///   - activations: α, β, κ as `forward` left them (3K); `kappaStep` exp κ̂ (K).
  ///   - dWindow: ∂loss/∂w (C).
  ///   - dKappa: on entry ∂loss/∂κ from later steps (through κ_{t+1} = κ_t + …), on exit ∂loss/∂κPrev
  ///     (the same sum plus this row's own share: κ passes straight through to κPrev).
  ///   - dP: receives ∂loss/∂(α̂, β̂, κ̂) (3K).
  static func backward(
    mixtures K: Int, activations a: UnsafePointer<Float>, kappaStep: UnsafePointer<Float>,
    condition: UnsafeBufferPointer<Int32>, dWindow: UnsafePointer<Float>, dKappa: UnsafeMutablePointer<Float>,
    dP: UnsafeMutablePointer<Float>
  ) {
    for k in 0..<K {
      let alpha = a[k]
      let beta = a[K + k]
      let kappa = a[2 * K + k]
      var dAlpha: Float = 0
      var dBeta: Float = 0
      var dKap: Float = 0
      for (u, c) in condition.enumerated() {
        let dPhi = dWindow[Int(c)]
        guard dPhi != 0 else { continue }
        let d = kappa - Float(u)
        let e = Foundation.exp(-beta * d * d)
        dAlpha += dPhi * e
        dBeta -= dPhi * alpha * e * d * d
        dKap -= dPhi * alpha * e * 2 * beta * d
      }
      dKappa[k] += dKap
      dP[k] = dAlpha * alpha
      dP[K + k] = dBeta * beta
      dP[2 * K + k] = dKappa[k] * kappaStep[k]
    }
  }
}
