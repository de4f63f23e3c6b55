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
  }

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

    switch input {
    case .dense(let x):
      BLAS.gemm(transB: true, m: rows, n: G, k: inputSize, a: x, lda: inputSize, b: weightIH, ldb: inputSize, c: gates, ldc: G)
    case .indices(let idx):
      for r in 0..<rows {
        let k = Int(idx[r])
        let row = gates + r * G
        for j in 0..<G { row[j] = weightIH[j * inputSize + k] }
      }
    }
    for r in 0..<rows {
      let row = gates + r * G
      for j in 0..<G { row[j] += biasIH[j] + biasHH[j] }
    }

    for t in 0..<steps {
      let base = t * batch
      for b in 0..<batch {
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
      let gt = gates + base * G
      BLAS.gemm(transB: true, m: batch, n: G, k: H, a: hPrev + base * H, lda: H, b: weightHH, ldb: H, beta: 1, c: gt, ldc: G)
      for b in 0..<batch {
        let row = gt + b * G, o = (base + b) * H
        for j in 0..<H {
          let i = sigmoid(row[j]), f = sigmoid(row[H + j]), g = tanhf(row[2 * H + j]), og = sigmoid(row[3 * H + j])
          row[j] = i
          row[H + j] = f
          row[2 * H + j] = g
          row[3 * H + j] = og
          let cv = f * cPrev[o + j] + i * g
          let tc = tanhf(cv)
          c[o + j] = cv
          tanhC[o + j] = tc
          h[o + j] = og * tc
        }
      }
    }
    let last = (steps - 1) * batch * H
    h0.update(from: h + last, count: batch * H)
    c0.update(from: c + last, count: batch * H)
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
    let dh = dh.pointer, dc = dc.pointer
    if let dState {
      dh.update(from: dState.h, count: batch * H)
      dc.update(from: dState.c, count: batch * H)
    } else {
      dh.update(repeating: 0, count: batch * H)
      dc.update(repeating: 0, count: batch * H)
    }
    for t in stride(from: steps - 1, through: 0, by: -1) {
      let base = t * batch
      for b in 0..<batch {
        let r = base + b
        let row = gates + r * G, dRow = dGates + r * G
        for j in 0..<H {
          let i = row[j], f = row[H + j], g = row[2 * H + j], o = row[3 * H + j]
          let tc = tanhC[r * H + j]
          let dhv = dOutput[r * H + j] + dh[b * H + j]
          let dcv = dc[b * H + j] + dhv * o * (1 - tc * tc)
          dRow[j] = dcv * g * i * (1 - i)
          dRow[H + j] = dcv * cPrev[r * H + j] * f * (1 - f)
          dRow[2 * H + j] = dcv * i * (1 - g * g)
          dRow[3 * H + j] = dhv * tc * o * (1 - o)
          dc[b * H + j] = dcv * f
        }
      }
      BLAS.gemm(m: batch, n: H, k: G, a: dGates + base * G, lda: G, b: weightHH, ldb: H, c: dh, ldc: H)
      // No gradient crosses a boundary: the state there was a constant zero.
      for b in 0..<batch where resets[base + b] {
        (dh + b * H).update(repeating: 0, count: H)
        (dc + b * H).update(repeating: 0, count: H)
      }
    }
    if let dState {
      dState.h.update(from: dh, count: batch * H)
      dState.c.update(from: dc, count: batch * H)
    }

    BLAS.gemm(transA: true, m: G, n: H, k: rows, a: dGates, lda: G, b: hPrev.pointer, ldb: H, beta: 1, c: dWeightHH, ldc: H)
    for r in 0..<rows {
      let dRow = dGates + r * G
      for j in 0..<G {
        dBiasIH[j] += dRow[j]
        dBiasHH[j] += dRow[j]
      }
    }
    switch input {
    case .dense(let x)?:
      BLAS.gemm(transA: true, m: G, n: inputSize, k: rows, a: dGates, lda: G, b: x, ldb: inputSize, beta: 1, c: dWeightIH, ldc: inputSize)
      if inputGradient {
        BLAS.gemm(m: rows, n: inputSize, k: G, a: dGates, lda: G, b: weightIH, ldb: inputSize, c: dInput.pointer, ldc: inputSize)
      }
    case .indices(let idx)?:
      for r in 0..<rows {
        let k = Int(idx[r])
        let dRow = dGates + r * G
        for j in 0..<G { dWeightIH[j * inputSize + k] += dRow[j] }
      }
    case nil:
      preconditionFailure("backward before forward")
    }
  }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
