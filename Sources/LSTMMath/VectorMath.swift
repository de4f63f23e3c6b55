/// Vectorised exp, sigmoid and tanh on a SIMD vector of floats, for the LSTM cell and the softmax.
///
/// glibc's scalar `expf`/`tanhf` took about a third of a training step. These are the Cephes
/// single-precision algorithms (range reduction plus a minimax polynomial), within about
/// 2 ulp of the correctly rounded result, so torch parity holds at 1e-5 relative.
///
/// 16 lanes, always inlined, so each caller compiles them with its own instructions: two
/// 8-lane AVX2 registers in the engine, one AVX-512 register in `AVX512Kernels`. (Generic
/// code over `SIMD` would have served both widths, but Swift lowers generic SIMD arithmetic
/// lane by lane even when specialised: 2.6× slower training.)
public enum VectorMath {
  public typealias V = SIMD16<Float>

  /// e^x; inputs are clamped to ±88.4 (results saturate instead of overflowing to inf/NaN).
  @_transparent
  public static func exp(_ x: V) -> V {
    // (pointwiseMin/Max are not inlined and cost 4% of a training step.)
    var x = x.replacing(with: -87.3, where: x .< -87.3).replacing(with: 88.37, where: x .> 88.37)
    // Round x·log2(e) to the nearest integer n with the 1.5·2^23 trick: afterwards the low bits
    // of t hold n, which also gives 2^n by shifting into the exponent field. (Swift's generic
    // SIMD float→int conversion and rounding run lane by lane and were slower than libm.)
    let magic = V(repeating: 12_582_912)
    let t = x * 1.442_695_04 + magic
    let fx = t - magic
    x = x - fx * 0.693_359_375 - fx * -2.121_944_4e-4
    let z = x * x
    var y = V(repeating: 1.987_569_150_0e-4)
    y = y * x + 1.398_199_950_7e-3
    y = y * x + 8.333_451_907_3e-3
    y = y * x + 4.166_579_589_4e-2
    y = y * x + 1.666_666_545_9e-1
    y = y * x + 5.000_000_120_1e-1
    y = y * z + x + 1
    let n = unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000
    return y * unsafeBitCast((n &+ 127) &<< 23, to: V.self)
  }

  @_transparent
  public static func sigmoid(_ x: V) -> V {
    1 / (1 + exp(-x))
  }

  /// tanh: an odd polynomial below |x| = 0.625 (where 1 − 2/(e^2x + 1) would cancel), else via exp.
  @_transparent
  public static func tanh(_ x: V) -> V {
    let a = abs(x)
    let z = x * x
    var p = V(repeating: -5.704_988_727_45e-3)
    p = p * z + 2.063_908_879_54e-2
    p = p * z - 5.373_971_555_31e-2
    p = p * z + 1.333_144_220_36e-1
    p = p * z - 3.333_328_194_22e-1
    let small = p * z * x + x
    let e = exp(2 * a)
    var large = 1 - 2 / (e + 1)
    large.replace(with: -large, where: x .< 0)
    var result = large
    result.replace(with: small, where: a .< 0.625)
    return result
  }

  @_transparent
  public static func abs(_ x: V) -> V {
    unsafeBitCast(unsafeBitCast(x, to: SIMD16<Int32>.self) & 0x7FFF_FFFF, to: V.self)
  }

  @_transparent
  public static func load(_ p: UnsafePointer<Float>) -> V {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
  }

  @_transparent
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
  }

  /// Scalar versions through the same polynomials (for tails shorter than a vector).
  @_transparent public static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }
  @_transparent public static func sigmoid(_ x: Float) -> Float { sigmoid(V(repeating: x))[0] }
  @_transparent public static func tanh(_ x: Float) -> Float { tanh(V(repeating: x))[0] }
}
