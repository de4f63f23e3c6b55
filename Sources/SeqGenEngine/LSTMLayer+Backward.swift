import AVX512Kernels
import LSTMMath

/// Back-propagation through a layer.
extension LSTMLayer {
  /// Back-propagates through the chunk of the last `forward`, accumulating (`+=`) weight
  /// gradients.
  ///
  /// - Parameters:
  ///   - dOutput: gradient with respect to each step's output h, (T·B, H).
  ///   - dState: on entry the gradient with respect to the final (h, c), (B, H) each, or nil for
  ///     zero (truncated BPTT); on exit the gradient with respect to the initial state.
  ///   - inputGradient: also fill `dInput` (dense input only).
  func backward(
    dOutput: UnsafePointer<Float>, steps: Int, batch: Int, resets: UnsafePointer<Bool>,
    dState: (h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>)?, inputGradient: Bool
  ) {
    let H = hiddenSize
    let G = 4 * H
    let rows = steps * batch
    let gates = gates.pointer
    let dGates = dGates.pointer
    let cPrev = cPrev.pointer
    let tanhC = tanhC.pointer
    let hPrev = hPrev.pointer
    let dh = dh.pointer
    let dc = dc.pointer
    let weightIH = weightIH
    let weightHH = weightHH
    let inputSize = inputSize
    let dWeightIH = dWeightIH
    let dWeightHH = dWeightHH
    let dBiasIH = dBiasIH
    let dBiasHH = dBiasHH
    precondition(trainable, "backward through a layer built without gradient buffers")
    guard let input else { preconditionFailure("backward before forward") }

    // Back through time: each thread carries the recurrent gradient of half the streams.
    let packedHH = packed(packedBackward, steps: steps, batch: batch, forward: false)
    let wide = usesAVX512
    let carried = [
      RecurrentStep.Gradient(d: dh, width: H, carried: dState?.h),
      RecurrentStep.Gradient(d: dc, width: H, carried: dState?.c),
    ]
    Parallel.split(batch) { streams in
      let b0 = streams.lowerBound
      let n = streams.count
      RecurrentStep.beginBackward(streams: streams, carried)
      for t in stride(from: steps - 1, through: 0, by: -1) {
        let base = t * batch
        RecurrentStep.cellsBackward(
          step: t, batch: batch, streams: streams, hiddenSize: H, gates: gates, dGates: dGates, dOutput: dOutput,
          tanhC: tanhC, cPrev: cPrev, dh: dh, dc: dc, wide: wide)
        if let packedHH {
          PackedGEMM.multiply(
            m: n, n: H, k: G, a: dGates + (base + b0) * G, lda: G, packed: packedHH, c: dh + b0 * H, ldc: H,
            accumulate: false)
        } else {
          BLAS.gemm(m: n, n: H, k: G, a: dGates + (base + b0) * G, lda: G, b: weightHH, ldb: H, c: dh + b0 * H, ldc: H)
        }
        RecurrentStep.cutAtResets(step: t, batch: batch, streams: streams, resets: resets, carried)
      }
      RecurrentStep.endBackward(streams: streams, carried)
    }

    // Weight gradients for the whole chunk, one product each; each thread owns half the gate units.
    Parallel.split(G) { units in
      let g0 = units.lowerBound
      let m = units.count
      Self.accumulateRecurrentGradients(
        units: units, rows: rows, hiddenSize: H, dGates: dGates, hPrev: hPrev, dWeightHH: dWeightHH, dBiasIH: dBiasIH,
        dBiasHH: dBiasHH)
      switch input {
      case .dense(let x):
        BLAS.gemm(
          transA: true, m: m, n: inputSize, k: rows, a: dGates + g0, lda: G, b: x, ldb: inputSize, beta: 1,
          c: dWeightIH + g0 * inputSize, ldc: inputSize)
      case .indices(let idx):
        // Contiguous row updates into the transposed accumulator, then one transposed add.
        let dT = dWeightIHT.pointer
        for k in 0..<inputSize { (dT + k * G + g0).update(repeating: 0, count: m) }
        for r in 0..<rows {
          let dst = dT + Int(idx[r]) * G
          let dRow = dGates + r * G
          var j = g0
          while j + 16 <= units.upperBound {
            VectorMath.store(VectorMath.load(dst + j) + VectorMath.load(dRow + j), dst + j)
            j += 16
          }
          while j < units.upperBound {
            dst[j] += dRow[j]
            j += 1
          }
        }
        for j in units { for k in 0..<inputSize { dWeightIH[j * inputSize + k] += dT[k * G + j] } }
      }
    }
    if inputGradient, case .dense = input {
      let dInput = dInput.pointer
      Parallel.split(rows) { part in
        BLAS.gemm(
          m: part.count, n: inputSize, k: G, a: dGates + part.lowerBound * G, lda: G, b: weightIH, ldb: inputSize,
          c: dInput + part.lowerBound * inputSize, ldc: inputSize)
      }
    }
  }

  /// The weight gradients every LSTM layer shares, for the gate units `units` over all `rows`
  /// rows of a chunk: `dWeightHH += dGatesᵀ · hPrev` and both biases += the column sums of
  /// dGates (16 columns at a time down all rows). A thread owning `units` owns what it writes.
  static func accumulateRecurrentGradients(
    units: Range<Int>, rows: Int, hiddenSize H: Int, dGates: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
    dWeightHH: UnsafeMutablePointer<Float>, dBiasIH: UnsafeMutablePointer<Float>, dBiasHH: UnsafeMutablePointer<Float>
  ) {
    let G = 4 * H
    BLAS.gemm(
      transA: true, m: units.count, n: H, k: rows, a: dGates + units.lowerBound, lda: G, b: hPrev, ldb: H, beta: 1,
      c: dWeightHH + units.lowerBound * H, ldc: H)
    var j = units.lowerBound
    while j < units.upperBound {
      let width = min(16, units.upperBound - j)
      var sum = VectorMath.V()
      if width == 16 {
        for r in 0..<rows { sum += VectorMath.load(dGates + r * G + j) }
      } else {
        for r in 0..<rows { for l in 0..<width { sum[l] += dGates[r * G + j + l] } }
      }
      for l in 0..<width {
        dBiasIH[j + l] += sum[l]
        dBiasHH[j + l] += sum[l]
      }
      j += width
    }
  }
}
