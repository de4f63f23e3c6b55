import Foundation

/// How a chunk's input reaches an LSTM layer.
public enum LayerInput {
  /// Class indices, (T·B). The one-hot product is computed as a gather of `weightIH` columns,
  /// which equals one-hot × `weightIH`ᵀ without multiplying zeros.
  case indices(UnsafePointer<Int32>)
  /// Dense rows, (T·B, inputSize).
  case dense(UnsafePointer<Float>)
}

/// One LSTM layer over a chunk of T steps for B parallel streams, as `torch.nn.LSTM` computes it.
///
/// Gates are stacked i, f, g, o (torch's order) in `weightIH` (4H, I), `weightHH` (4H, H),
/// `biasIH` and `biasHH` (4H). Per step:
///
///     gates = x·weightIHᵀ + biasIH + hPrev·weightHHᵀ + biasHH
///     c = σ(f)·cPrev + σ(i)·tanh(g),   h = σ(o)·tanh(c)
///
/// The input projection of the whole chunk is one GEMM (or one gather); only the recurrent
/// product runs step by step. All activations needed by `backward` are kept in buffers sized
/// once for `capacity` rows, so a training step allocates nothing.
final class LSTMLayer {
  let inputSize: Int
  let hiddenSize: Int
  let capacity: Int

  let weightIH, weightHH, biasIH, biasHH: UnsafeMutablePointer<Float>
  let dWeightIH, dWeightHH, dBiasIH, dBiasHH: UnsafeMutablePointer<Float>

  /// Gate activations after their nonlinearity, (T·B, 4H).
  let gates: FloatBuffer
  /// Gradients of the loss with respect to the gate pre-activations, (T·B, 4H).
  let dGates: FloatBuffer
  /// The state each step started from, zeroed where a reset preceded it, (T·B, H).
  let hPrev, cPrev: FloatBuffer
  /// Cell state, its tanh, and the output of each step, (T·B, H).
  let c, tanhC, h: FloatBuffer
  /// Gradient with respect to this layer's input, (T·B, I); filled by `backward` on request.
  let dInput: FloatBuffer
  /// Recurrent gradient carried backwards through time, (B, H).
  private let dh, dc: FloatBuffer
  /// For index input: `weightIH`ᵀ (I, 4H), so gathering a class's column reads one contiguous
  /// row instead of 4H floats a whole row of `weightIH` apart (one cache line each), and the
  /// matching gradient accumulator (I, 4H), always used by `backward`. Empty above layer 0.
  private let weightIHT, dWeightIHT: FloatBuffer
  /// biasIH + biasHH, (4H).
  private let biasSum: FloatBuffer
  /// The input of the last forward pass, needed by the weight gradient.
  private var input: LayerInput?

  init(params: ParameterStore, layer: Int, inputSize: Int, hiddenSize: Int, capacity: Int, maxBatch: Int) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.capacity = capacity
    let names = LSTMLayer.parameterNames(layer: layer)
    weightIH = params.value(names[0])
    weightHH = params.value(names[1])
    biasIH = params.value(names[2])
    biasHH = params.value(names[3])
    dWeightIH = params.gradient(names[0])
    dWeightHH = params.gradient(names[1])
    dBiasIH = params.gradient(names[2])
    dBiasHH = params.gradient(names[3])
    let g = 4 * hiddenSize
    gates = FloatBuffer(count: capacity * g)
    dGates = FloatBuffer(count: capacity * g)
    hPrev = FloatBuffer(count: capacity * hiddenSize)
    cPrev = FloatBuffer(count: capacity * hiddenSize)
    c = FloatBuffer(count: capacity * hiddenSize)
    tanhC = FloatBuffer(count: capacity * hiddenSize)
    h = FloatBuffer(count: capacity * hiddenSize)
    dInput = FloatBuffer(count: capacity * inputSize)
    dh = FloatBuffer(count: maxBatch * hiddenSize)
    dc = FloatBuffer(count: maxBatch * hiddenSize)
    weightIHT = FloatBuffer(count: layer == 0 ? inputSize * g : 0)
    dWeightIHT = FloatBuffer(count: layer == 0 ? inputSize * g : 0)
    biasSum = FloatBuffer(count: g)
  }

  /// Whether a chunk of `rows` index inputs gathers from the transposed copy: refreshing it
  /// reads all I·4H weights once, which pays off when the gather reads at least as many lines.
  func gathersTransposed(rows: Int) -> Bool { weightIHT.count > 0 && rows * 16 >= inputSize }

  /// torch's names for layer `layer`: weight_ih, weight_hh, bias_ih, bias_hh.
  static func parameterNames(layer: Int) -> [String] {
    ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "lstm.\($0)_l\(layer)" }
  }

  static func parameterSpecs(layer: Int, inputSize: Int, hiddenSize: Int) -> [ParameterSpec] {
    let n = parameterNames(layer: layer)
    let g = 4 * hiddenSize
    return [ParameterSpec(n[0], [g, inputSize]), ParameterSpec(n[1], [g, hiddenSize]), ParameterSpec(n[2], [g]), ParameterSpec(n[3], [g])]
  }

  /// Runs T steps.
  ///
  /// - Parameters:
  ///   - input: (T·B) indices or (T·B, I) rows; must stay valid until `backward`.
  ///   - h0, c0: the carried state, (B, H); overwritten with the final state.
  ///   - resets: (T·B) flags; a set flag zeroes the state of stream b before step t.
  func forward(
    _ input: LayerInput, steps: Int, batch: Int,
    state h0: UnsafeMutablePointer<Float>, _ c0: UnsafeMutablePointer<Float>,
    resets: UnsafePointer<Bool>
  ) {
    let H = hiddenSize, G = 4 * H, rows = steps * batch
    precondition(rows <= capacity, "chunk of \(rows) rows exceeds capacity \(capacity)")
    self.input = input
    let gates = gates.pointer, hPrev = hPrev.pointer, cPrev = cPrev.pointer
    let c = c.pointer, tanhC = tanhC.pointer, h = h.pointer
    let weightIH = weightIH, weightHH = weightHH, biasIH = biasIH, biasHH = biasHH, inputSize = inputSize

    // The input projection of the whole chunk, plus both biases: half the rows per thread (or,
    // for a single row as in generation, half the gate units, so both cores read weights).
    if rows == 1, case .dense(let x) = input {
      Parallel.split(G) { units in
        BLAS.gemm(
          transB: true, m: 1, n: units.count, k: inputSize, a: x, lda: inputSize, b: weightIH + units.lowerBound * inputSize,
          ldb: inputSize, c: gates + units.lowerBound, ldc: G)
      }
    }
    let bias = biasSum.pointer
    for j in 0..<G { bias[j] = biasIH[j] + biasHH[j] }
    let transposed = gathersTransposed(rows: rows), weightT = weightIHT.pointer
    if case .indices = input, transposed {
      Parallel.split(G) { units in
        for j in units { for k in 0..<inputSize { weightT[k * G + j] = weightIH[j * inputSize + k] } }
      }
    }
    Parallel.split(rows) { part in
      switch input {
      case .dense(let x):
        guard rows > 1 else { break }
        BLAS.gemm(
          transB: true, m: part.count, n: G, k: inputSize, a: x + part.lowerBound * inputSize, lda: inputSize,
          b: weightIH, ldb: inputSize, c: gates + part.lowerBound * G, ldc: G)
      case .indices(let idx):
        for r in part {
          let k = Int(idx[r])
          let row = gates + r * G
          if transposed {
            row.update(from: weightT + k * G, count: G)
          } else {
            for j in 0..<G { row[j] = weightIH[j * inputSize + k] }
          }
        }
      }
      for r in part {
        let row = gates + r * G
        for j in 0..<G { row[j] += bias[j] }
      }
    }

    // The recurrence: streams are independent, so each thread runs half of them through all T steps.
    Parallel.split(batch) { streams in
      let b0 = streams.lowerBound, n = streams.count
      for t in 0..<steps {
        let base = t * batch
        for b in streams {
          let dstH = hPrev + (base + b) * H, dstC = cPrev + (base + b) * H
          if resets[base + b] {
            dstH.update(repeating: 0, count: H)
            dstC.update(repeating: 0, count: H)
          } else {
            let srcH = t == 0 ? h0 + b * H : h + (base - batch + b) * H
            let srcC = t == 0 ? c0 + b * H : c + (base - batch + b) * H
            dstH.update(from: srcH, count: H)
            dstC.update(from: srcC, count: H)
          }
        }
        let gt = gates + (base + b0) * G
        if batch == 1 {
          // One stream (generation): split the product over gate units instead.
          Parallel.split(G) { units in
            BLAS.gemm(
              transB: true, m: 1, n: units.count, k: H, a: hPrev + base * H, lda: H, b: weightHH + units.lowerBound * H, ldb: H,
              beta: 1, c: gt + units.lowerBound, ldc: G)
          }
        } else {
          BLAS.gemm(transB: true, m: n, n: G, k: H, a: hPrev + (base + b0) * H, lda: H, b: weightHH, ldb: H, beta: 1, c: gt, ldc: G)
        }
        for b in streams {
          let o = (base + b) * H
          cellForward(gates: gates + (base + b) * G, cPrev: cPrev + o, c: c + o, tanhC: tanhC + o, h: h + o)
        }
      }
    }
    let last = (steps - 1) * batch * H
    h0.update(from: h + last, count: batch * H)
    c0.update(from: c + last, count: batch * H)
  }

  /// The gate nonlinearities and the cell update of one stream at one step, 8 units at a time:
  /// gates (4H) become σ(i), σ(f), tanh(g), σ(o) in place; c = f·cPrev + i·g, h = o·tanh(c).
  @inline(__always)
  private func cellForward(
    gates row: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>
  ) {
    typealias M = VectorMath
    let H = hiddenSize
    var j = 0
    while j + 8 <= H {
      let i = M.sigmoid(M.load(row + j)), f = M.sigmoid(M.load(row + H + j))
      let g = M.tanh(M.load(row + 2 * H + j)), o = M.sigmoid(M.load(row + 3 * H + j))
      M.store(i, row + j)
      M.store(f, row + H + j)
      M.store(g, row + 2 * H + j)
      M.store(o, row + 3 * H + j)
      let cv = f * M.load(cPrev + j) + i * g
      let tc = M.tanh(cv)
      M.store(cv, c + j)
      M.store(tc, tanhC + j)
      M.store(o * tc, h + j)
      j += 8
    }
    while j < H {
      let i = M.sigmoid(row[j]), f = M.sigmoid(row[H + j]), g = M.tanh(row[2 * H + j]), o = M.sigmoid(row[3 * H + j])
      row[j] = i
      row[H + j] = f
      row[2 * H + j] = g
      row[3 * H + j] = o
      let cv = f * cPrev[j] + i * g
      let tc = M.tanh(cv)
      c[j] = cv
      tanhC[j] = tc
      h[j] = o * tc
      j += 1
    }
  }

  /// One stream's step back through the cell, 8 units at a time: from dh (the output gradient
  /// plus the recurrent one) and the carried dc, the gate pre-activation gradients (4H) and the
  /// dc carried to the previous step (in place).
  @inline(__always)
  private func cellBackward(
    gates row: UnsafePointer<Float>, dGates dRow: UnsafeMutablePointer<Float>, dOutput dOut: UnsafePointer<Float>,
    tanhC tc: UnsafePointer<Float>, cPrev cp: UnsafePointer<Float>, dh dhb: UnsafePointer<Float>, dc dcb: UnsafeMutablePointer<Float>
  ) {
    typealias M = VectorMath
    let H = hiddenSize
    var j = 0
    while j + 8 <= H {
      let i = M.load(row + j), f = M.load(row + H + j), g = M.load(row + 2 * H + j), o = M.load(row + 3 * H + j)
      let t = M.load(tc + j)
      let dhv = M.load(dOut + j) + M.load(dhb + j)
      let dcv = M.load(dcb + j) + dhv * o * (1 - t * t)
      M.store(dcv * g * i * (1 - i), dRow + j)
      M.store(dcv * M.load(cp + j) * f * (1 - f), dRow + H + j)
      M.store(dcv * i * (1 - g * g), dRow + 2 * H + j)
      M.store(dhv * t * o * (1 - o), dRow + 3 * H + j)
      M.store(dcv * f, dcb + j)
      j += 8
    }
    while j < H {
      let i = row[j], f = row[H + j], g = row[2 * H + j], o = row[3 * H + j]
      let dhv = dOut[j] + dhb[j]
      let dcv = dcb[j] + dhv * o * (1 - tc[j] * tc[j])
      dRow[j] = dcv * g * i * (1 - i)
      dRow[H + j] = dcv * cp[j] * f * (1 - f)
      dRow[2 * H + j] = dcv * i * (1 - g * g)
      dRow[3 * H + j] = dhv * tc[j] * o * (1 - o)
      dcb[j] = dcv * f
      j += 1
    }
  }

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
    let H = hiddenSize, G = 4 * H, rows = steps * batch
    let gates = gates.pointer, dGates = dGates.pointer, cPrev = cPrev.pointer, tanhC = tanhC.pointer
    let hPrev = hPrev.pointer, dh = dh.pointer, dc = dc.pointer
    let weightIH = weightIH, weightHH = weightHH, inputSize = inputSize
    let dWeightIH = dWeightIH, dWeightHH = dWeightHH, dBiasIH = dBiasIH, dBiasHH = dBiasHH
    guard let input else { preconditionFailure("backward before forward") }

    // Back through time: each thread carries the recurrent gradient of half the streams.
    Parallel.split(batch) { streams in
      let b0 = streams.lowerBound, n = streams.count
      if let dState {
        (dh + b0 * H).update(from: dState.h + b0 * H, count: n * H)
        (dc + b0 * H).update(from: dState.c + b0 * H, count: n * H)
      } else {
        (dh + b0 * H).update(repeating: 0, count: n * H)
        (dc + b0 * H).update(repeating: 0, count: n * H)
      }
      for t in stride(from: steps - 1, through: 0, by: -1) {
        let base = t * batch
        for b in streams {
          let r = base + b
          cellBackward(
            gates: gates + r * G, dGates: dGates + r * G, dOutput: dOutput + r * H, tanhC: tanhC + r * H, cPrev: cPrev + r * H,
            dh: dh + b * H, dc: dc + b * H)
        }
        BLAS.gemm(m: n, n: H, k: G, a: dGates + (base + b0) * G, lda: G, b: weightHH, ldb: H, c: dh + b0 * H, ldc: H)
        // No gradient crosses a boundary: the state there was a constant zero.
        for b in streams where resets[base + b] {
          (dh + b * H).update(repeating: 0, count: H)
          (dc + b * H).update(repeating: 0, count: H)
        }
      }
      if let dState {
        (dState.h + b0 * H).update(from: dh + b0 * H, count: n * H)
        (dState.c + b0 * H).update(from: dc + b0 * H, count: n * H)
      }
    }

    // Weight gradients for the whole chunk, one product each; each thread owns half the gate units.
    Parallel.split(G) { units in
      let g0 = units.lowerBound, m = units.count
      BLAS.gemm(transA: true, m: m, n: H, k: rows, a: dGates + g0, lda: G, b: hPrev, ldb: H, beta: 1, c: dWeightHH + g0 * H, ldc: H)
      for r in 0..<rows {
        let dRow = dGates + r * G
        for j in units {
          dBiasIH[j] += dRow[j]
          dBiasHH[j] += dRow[j]
        }
      }
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
          let dst = dT + Int(idx[r]) * G, dRow = dGates + r * G
          for j in units { dst[j] += dRow[j] }
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

}

