import Foundation
import LSTMMath
import Testing

/// The vectorised exp, sigmoid and tanh against float64 references, over the whole useful range.
@Suite struct VectorMathTests {
  /// Largest error in units of the Float spacing at the reference value.
  func worstULP(_ f: (VectorMath.V) -> VectorMath.V, _ reference: (Double) -> Double, in range: ClosedRange<Float>)
    -> Double
  {
    var worst = 0.0
    let n = 40_000
    for k in stride(from: 0, to: n, by: 16) {
      var x = VectorMath.V()
      for l in 0..<16 { x[l] = range.lowerBound + (range.upperBound - range.lowerBound) * Float(k + l) / Float(n) }
      let y = f(x)
      for l in 0..<16 {
        let r = reference(Double(x[l]))
        let ulp = Double(Float(r).ulp)
        guard ulp > 0, Float(r).isNormal else { continue }
        worst = max(worst, abs(Double(y[l]) - r) / ulp)
      }
    }
    return worst
  }

  @Test func expIsWithinTwoULP() {
    #expect(worstULP(VectorMath.exp, Foundation.exp, in: -87...88) <= 2)
  }

  @Test func sigmoidIsWithinThreeULP() {
    #expect(worstULP(VectorMath.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }, in: -30...30) <= 3)
  }

  @Test func tanhIsWithinThreeULPIncludingNearZero() {
    #expect(worstULP(VectorMath.tanh, Foundation.tanh, in: -12...12) <= 3)
    #expect(worstULP(VectorMath.tanh, Foundation.tanh, in: -0.01...0.01) <= 3)
  }

  @Test func extremesSaturateWithoutNaN() {
    let x = VectorMath.V(
      -1e30, -100, -88.5, 0, 88.5, 100, 1e30, -0, .infinity, -.infinity, 87.3, -87.3, 1e-30, 20, -20, 0.625)
    for v in [VectorMath.exp(x), VectorMath.sigmoid(x), VectorMath.tanh(x)] {
      for l in 0..<16 { #expect(v[l].isFinite) }
    }
    #expect(VectorMath.tanh(x)[6] == 1 && VectorMath.tanh(x)[0] == -1 && VectorMath.tanh(x)[8] == 1)
    #expect(VectorMath.sigmoid(x)[0] < 1e-30 && VectorMath.sigmoid(x)[6] == 1)
  }
}
