import Foundation

/// Graves' mixture-density head (Graves 2013, section 4): M bivariate Gaussian components for a
/// 2-D offset plus a Bernoulli end-of-stroke bit, read from 6M + 1 numbers per row.
///
/// Row layout (what the decoder produces; scripts/make_mdn_golden.py uses the same):
/// `[ê, π̂₁…π̂M, μx₁…μxM, μy₁…μyM, σ̂x₁…σ̂xM, σ̂y₁…σ̂yM, ρ̂₁…ρ̂M]`, with
/// p(eos) = sigmoid(ê), π = softmax(π̂), σ = exp(max(σ̂, log σmin)), ρ = clamp(tanh ρ̂, ±ρmax).
/// The loss is −log Σₖ πₖ N(x, y | μₖ, σₖ, ρₖ) − log Bernoulli(eos), computed with a
/// log-sum-exp over components so no component's density ever over- or underflows.
public struct MixtureDensityHead: OutputHead {
  /// One step as the head sees it: a 2-D offset (already normalised by the domain) and the
  /// end-of-stroke bit.
  /// An offset (dx, dy) and whether it ends a stroke (Graves' end-of-stroke bit): the head's
  /// target and sample, and the handwriting domain's step itself (`PenStep`).
  public struct Point: Sendable, Hashable {
    public var dx: Float
    public var dy: Float
    /// True on the last point of each stroke: the offset to the next point is a pen-up move.
    public var eos: Bool

    public init(dx: Float, dy: Float, eos: Bool) {
      self.dx = dx
      self.dy = dy
      self.eos = eos
    }
  }

  public typealias Target = Point
  public typealias Sample = Point

  /// Number of Gaussian components M.
  public let components: Int
  /// Floor of every σ: keeps a component from collapsing onto one point (an unbounded density).
  public let sigmaMin: Float
  /// |ρ| never reaches 1, where the density is singular.
  public let rhoMax: Float

  public var outputSize: Int { 6 * components + 1 }

  public init(components: Int, sigmaMin: Float = 1e-3, rhoMax: Float = 1 - 1e-4) {
    precondition(components >= 1, "a mixture needs at least one component")
    precondition(sigmaMin > 0 && rhoMax > 0 && rhoMax < 1)
    self.components = components
    self.sigmaMin = sigmaMin
    self.rhoMax = rhoMax
  }

  /// Where each parameter block starts in a row.
  @inline(__always) var piOffset: Int { 1 }
  @inline(__always) var muXOffset: Int { 1 + components }
  @inline(__always) var muYOffset: Int { 1 + 2 * components }
  @inline(__always) var sigmaXOffset: Int { 1 + 3 * components }
  @inline(__always) var sigmaYOffset: Int { 1 + 4 * components }
  @inline(__always) var rhoOffset: Int { 1 + 5 * components }

  public func loss(
    _ output: UnsafePointer<Float>, targets: UnsafeBufferPointer<Point?>, scale: Float,
    dOutput: UnsafeMutablePointer<Float>?, parameters: HeadParameters
  ) -> Double {
    let width = outputSize
    let m = components
    let logSigmaMin = logf(sigmaMin)
    let logTwoPi = logf(2 * Float.pi)
    // Per-component scratch: log πₖ + log Nₖ, and the pieces its gradient needs.
    var logJoint = [Float](repeating: 0, count: m)
    var total = 0.0
    for (r, target) in targets.enumerated() {
      let y = output + r * width
      guard let target else {
        dOutput?.advanced(by: r * width).update(repeating: 0, count: width)
        continue
      }
      // End of stroke: binary cross-entropy with logits, softplus(ê) − e·ê, stable both ways.
      let e = y[0]
      let eosTarget: Float = target.eos ? 1 : 0
      let softplus = max(e, 0) + log1pf(expf(-abs(e)))
      var rowLoss = softplus - eosTarget * e

      // log softmax of the mixture weights.
      var piMax = y[piOffset]
      for k in 1..<m { piMax = max(piMax, y[piOffset + k]) }
      var piSum: Float = 0
      for k in 0..<m { piSum += expf(y[piOffset + k] - piMax) }
      let piLogNorm = piMax + logf(piSum)

      for k in 0..<m {
        let logSx = max(y[sigmaXOffset + k], logSigmaMin)
        let logSy = max(y[sigmaYOffset + k], logSigmaMin)
        let rho = min(max(tanhf(y[rhoOffset + k]), -rhoMax), rhoMax)
        let q = 1 - rho * rho
        let a = (target.dx - y[muXOffset + k]) * expf(-logSx)
        let b = (target.dy - y[muYOffset + k]) * expf(-logSy)
        let z = a * a + b * b - 2 * rho * a * b
        let logN = -logTwoPi - logSx - logSy - 0.5 * logf(q) - z / (2 * q)
        logJoint[k] = y[piOffset + k] - piLogNorm + logN
      }
      var jointMax = logJoint[0]
      for k in 1..<m { jointMax = max(jointMax, logJoint[k]) }
      var jointSum: Float = 0
      for k in 0..<m { jointSum += expf(logJoint[k] - jointMax) }
      let logLikelihood = jointMax + logf(jointSum)
      rowLoss -= logLikelihood
      total += Double(rowLoss)

      guard let d = dOutput?.advanced(by: r * width) else { continue }
      d[0] = scale * (1 / (1 + expf(-e)) - eosTarget)
      for k in 0..<m {
        // γₖ: the posterior responsibility of component k for this point.
        let gamma = expf(logJoint[k] - logLikelihood)
        let pi = expf(y[piOffset + k] - piLogNorm)
        d[piOffset + k] = scale * (pi - gamma)
        let sxClamped = y[sigmaXOffset + k] < logSigmaMin
        let syClamped = y[sigmaYOffset + k] < logSigmaMin
        let logSx = max(y[sigmaXOffset + k], logSigmaMin)
        let logSy = max(y[sigmaYOffset + k], logSigmaMin)
        let t = tanhf(y[rhoOffset + k])
        let rhoClamped = t < -rhoMax || t > rhoMax
        let rho = min(max(t, -rhoMax), rhoMax)
        let q = 1 - rho * rho
        let invSx = expf(-logSx)
        let invSy = expf(-logSy)
        let a = (target.dx - y[muXOffset + k]) * invSx
        let b = (target.dy - y[muYOffset + k]) * invSy
        let z = a * a + b * b - 2 * rho * a * b
        // ∂ log Nₖ with respect to each raw output; the loss gradient is −γₖ times it.
        let dMuX = (a - rho * b) * invSx / q
        let dMuY = (b - rho * a) * invSy / q
        let dLogSx = sxClamped ? 0 : -1 + a * (a - rho * b) / q
        let dLogSy = syClamped ? 0 : -1 + b * (b - rho * a) / q
        let dRhoHat = rhoClamped ? 0 : rho + a * b - z * rho / q
        let g = -scale * gamma
        d[muXOffset + k] = g * dMuX
        d[muYOffset + k] = g * dMuY
        d[sigmaXOffset + k] = g * dLogSx
        d[sigmaYOffset + k] = g * dLogSy
        d[rhoOffset + k] = g * dRhoHat
      }
    }
    return total
  }

  /// The distribution of one row after the sampling controls: sketch-rnn's temperature τ
  /// (π logits and the eos logit divided by τ, σ multiplied by √τ) and Graves' bias b
  /// (π = softmax(π̂·(1 + b)), σ = exp(σ̂ − b)).
  public struct Mixture: Equatable, Sendable {
    public var eosProbability: Double
    public var weights: [Double]
    public var muX, muY, sigmaX, sigmaY, rho: [Double]
  }

  /// The mixture a row describes, with the sampling controls applied.
  public func mixture(_ y: UnsafePointer<Float>, controls: SamplingControls = SamplingControls()) -> Mixture {
    let m = components
    let bias = Double(controls.bias ?? 0)
    let tau = Double(controls.temperature)
    let logSigmaMin = log(Double(sigmaMin))
    var logits = (0..<m).map { Double(y[piOffset + $0]) * (1 + bias) / tau }
    let top = logits.max()!
    logits = logits.map { exp($0 - top) }
    let sum = logits.reduce(0, +)
    func sigma(_ raw: Float) -> Double { exp(max(Double(raw), logSigmaMin) - bias) * tau.squareRoot() }
    return Mixture(
      eosProbability: 1 / (1 + exp(-Double(y[0]) / tau)),
      weights: logits.map { $0 / sum },
      muX: (0..<m).map { Double(y[muXOffset + $0]) },
      muY: (0..<m).map { Double(y[muYOffset + $0]) },
      sigmaX: (0..<m).map { sigma(y[sigmaXOffset + $0]) },
      sigmaY: (0..<m).map { sigma(y[sigmaYOffset + $0]) },
      rho: (0..<m).map { min(max(tanh(Double(y[rhoOffset + $0])), -Double(rhoMax)), Double(rhoMax)) })
  }

  /// A component from π, then a correlated 2-D Gaussian draw from it, then eos from the Bernoulli.
  public func sample(
    _ output: UnsafePointer<Float>, controls: SamplingControls, parameters: HeadParameters, rng: inout SeededGenerator
  ) -> Point {
    let mix = mixture(output, controls: controls)
    let u = rng.nextDouble()
    var k = components - 1
    var cumulative = 0.0
    for (j, w) in mix.weights.enumerated() {
      cumulative += w
      if u < cumulative {
        k = j
        break
      }
    }
    let n1 = rng.nextGaussian()
    let n2 = rng.nextGaussian()
    let rho = mix.rho[k]
    let dx = mix.muX[k] + mix.sigmaX[k] * n1
    let dy = mix.muY[k] + mix.sigmaY[k] * (rho * n1 + (1 - rho * rho).squareRoot() * n2)
    let eos = rng.nextDouble() < mix.eosProbability
    return Point(dx: Float(dx), dy: Float(dy), eos: eos)
  }

  /// Temperature and bias mean something here; top-k, top-p and argmax (class controls) do not.
  /// Temperature scales the mixture (sketch-rnn) and bias sharpens it (Graves); class cut-offs
  /// such as top-k mean nothing for a continuous density.
  public static let acceptedControls: Set<SamplingControl> = [.temperature, .bias]
}
