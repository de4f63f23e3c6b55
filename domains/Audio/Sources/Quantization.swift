import Foundation

/// How a sample in [−1, 1] becomes one of `levels` integer levels and back.
///
/// Mu-law (ITU G.711's curve with μ = levels − 1, as in WaveNet and SampleRNN) spends the levels
/// logarithmically, so quiet speech keeps detail; linear spends them evenly.
public enum Quantization: String, Codable, Sendable, CaseIterable {
  case mulaw
  case linear

  /// The level of `x` (clamped to [−1, 1]).
  @inline(__always)
  public func level(_ x: Float, levels: Int) -> Int {
    let top = Float(levels - 1)
    let v = min(max(x.isNaN ? 0 : x, -1), 1)
    let y: Float
    switch self {
    case .mulaw:
      let mu = top
      y = (v < 0 ? -1 : 1) * log1p(mu * abs(v)) / log1p(mu)
    case .linear:
      y = v
    }
    return Int(((y + 1) / 2 * top).rounded())
  }

  /// The sample value a level stands for.
  @inline(__always)
  public func value(_ level: Int, levels: Int) -> Float {
    let top = Float(levels - 1)
    let y = Float(level) / top * 2 - 1
    switch self {
    case .mulaw:
      let mu = top
      return (y < 0 ? -1 : 1) * (pow(1 + mu, abs(y)) - 1) / mu
    case .linear:
      return y
    }
  }
}
