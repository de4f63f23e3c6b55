import LSTMMath

/// `LSTMCell` 16 lanes wide, compiled for AVX-512: half the instructions of the engine's
/// 8-lane version for the gate nonlinearities. Only call where `PackedGEMM.isAvailable`.
public enum WideCell {
  public typealias V = SIMD16<Float>

  @inline(never)
  public static func forward(
    hiddenSize: Int, gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>
  ) {
    LSTMCell.forward(hiddenSize: hiddenSize, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h)
  }

  @inline(never)
  public static func backward(
    hiddenSize: Int, gates: UnsafePointer<Float>, dGates: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
    tanhC: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>
  ) {
    LSTMCell.backward(
      hiddenSize: hiddenSize, gates: gates, dGates: dGates, dOutput: dOutput, tanhC: tanhC, cPrev: cPrev, dh: dh, dc: dc
    )
  }
}
