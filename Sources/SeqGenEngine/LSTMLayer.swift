import AVX512Kernels
import Foundation
import LSTMMath

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
  /// Whether `backward` may run (its buffers exist).
  let trainable: Bool

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
  let dh, dc: FloatBuffer
  /// For index input: `weightIH`ᵀ (I, 4H), so gathering a class's column reads one contiguous
  /// row instead of 4H floats a whole row of `weightIH` apart (one cache line each), and the
  /// matching gradient accumulator (I, 4H), always used by `backward`. Empty above layer 0.
  let weightIHT, dWeightIHT: FloatBuffer
  /// biasIH + biasHH, (4H).
  private let biasSum: FloatBuffer
  /// `weightHH` packed for the per-step products where the CPU has AVX-512 (see `PackedGEMM`):
  /// as weightHHᵀ (H, 4H) for the forward product, as (4H, H) for the backward one. Empty when
  /// the shapes or the CPU do not suit it; the products then go through OpenBLAS.
  let packedForward, packedBackward: FloatBuffer
  /// Whether the per-step products and the cell run on the AVX-512 kernels (`PackedGEMM`,
  /// `WideCell`); tests switch it off to compare with the portable path.
  var usesAVX512 = PackedGEMM.isAvailable
  /// The input of the last forward pass, needed by the weight gradient.
  private(set) var input: LayerInput?

  /// - Parameter trainable: also allocate what `backward` needs (gradient buffers, the packed
  ///   backward weight); an evaluation or generation model leaves them out, about a third of
  ///   the layer's memory.
  init(
    params: ParameterStore, layer: Int, inputSize: Int, hiddenSize: Int, capacity: Int, maxBatch: Int,
    trainable: Bool = true
  ) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.capacity = capacity
    self.trainable = trainable
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
    let backward = trainable ? 1 : 0
    dGates = FloatBuffer(count: backward * capacity * g)
    hPrev = FloatBuffer(count: capacity * hiddenSize)
    cPrev = FloatBuffer(count: capacity * hiddenSize)
    c = FloatBuffer(count: capacity * hiddenSize)
    tanhC = FloatBuffer(count: capacity * hiddenSize)
    h = FloatBuffer(count: capacity * hiddenSize)
    dInput = FloatBuffer(count: backward * capacity * inputSize)
    dh = FloatBuffer(count: backward * maxBatch * hiddenSize)
    dc = FloatBuffer(count: backward * maxBatch * hiddenSize)
    weightIHT = FloatBuffer(count: layer == 0 ? inputSize * g : 0)
    dWeightIHT = FloatBuffer(count: layer == 0 ? backward * inputSize * g : 0)
    biasSum = FloatBuffer(count: g)
    packedForward = FloatBuffer(count: PackedGEMM.supports(n: g) ? hiddenSize * g : 0)
    packedBackward = FloatBuffer(count: PackedGEMM.supports(n: hiddenSize) ? backward * hiddenSize * g : 0)
  }

  /// The packed weight for a chunk of `steps` steps, packed now, or nil for OpenBLAS. Packing
  /// reads the whole weight once, so a single step (generation) is left to OpenBLAS.
  func packed(_ buffer: FloatBuffer, steps: Int, batch: Int, forward: Bool) -> UnsafePointer<Float>? {
    guard usesAVX512, buffer.count > 0, steps >= 4, batch >= 2 else { return nil }
    let H = hiddenSize
    let G = 4 * H
    let weightHH = weightHH
    let k = forward ? H : G
    let n = forward ? G : H
    Parallel.split(n / PackedGEMM.panelWidth) { panels in
      PackedGEMM.pack(weightHH, ldb: H, transposed: forward, k: k, n: n, panels: panels, into: buffer.pointer)
    }
    return UnsafePointer(buffer.pointer)
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
    return [
      ParameterSpec(n[0], [g, inputSize]), ParameterSpec(n[1], [g, hiddenSize]), ParameterSpec(n[2], [g]),
      ParameterSpec(n[3], [g]),
    ]
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
    let H = hiddenSize
    let G = 4 * H
    let rows = steps * batch
    precondition(rows <= capacity, "chunk of \(rows) rows exceeds capacity \(capacity)")
    self.input = input
    let gates = gates.pointer
    let hPrev = hPrev.pointer
    let cPrev = cPrev.pointer
    let c = c.pointer
    let tanhC = tanhC.pointer
    let h = h.pointer
    let weightIH = weightIH
    let weightHH = weightHH
    let biasIH = biasIH
    let biasHH = biasHH
    let inputSize = inputSize

    // The input projection of the whole chunk, plus both biases: half the rows per thread (or,
    // for a single row as in generation, half the gate units, so both cores read weights).
    if rows == 1, case .dense(let x) = input {
      Parallel.split(G) { units in
        BLAS.gemm(
          transB: true, m: 1, n: units.count, k: inputSize, a: x, lda: inputSize,
          b: weightIH + units.lowerBound * inputSize,
          ldb: inputSize, c: gates + units.lowerBound, ldc: G)
      }
    }
    let bias = biasSum.pointer
    for j in 0..<G { bias[j] = biasIH[j] + biasHH[j] }
    let transposed = gathersTransposed(rows: rows)
    let weightT = weightIHT.pointer
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
    let packedHH = packed(packedForward, steps: steps, batch: batch, forward: true)
    let wide = usesAVX512
    let carry = [
      RecurrentStep.Part(previous: hPrev, width: H, initial: h0, output: h, stride: H),
      RecurrentStep.Part(previous: cPrev, width: H, initial: c0, output: c, stride: H),
    ]
    Parallel.split(batch) { streams in
      let b0 = streams.lowerBound
      let n = streams.count
      for t in 0..<steps {
        let base = t * batch
        RecurrentStep.enter(step: t, batch: batch, streams: streams, resets: resets, carry)
        let gt = gates + (base + b0) * G
        if batch == 1 {
          // One stream (generation): split the product over gate units instead.
          Parallel.split(G) { units in
            BLAS.gemm(
              transB: true, m: 1, n: units.count, k: H, a: hPrev + base * H, lda: H, b: weightHH + units.lowerBound * H,
              ldb: H,
              beta: 1, c: gt + units.lowerBound, ldc: G)
          }
        } else if let packedHH {
          PackedGEMM.multiply(
            m: n, n: G, k: H, a: hPrev + (base + b0) * H, lda: H, packed: packedHH, c: gt, ldc: G, accumulate: true)
        } else {
          BLAS.gemm(
            transB: true, m: n, n: G, k: H, a: hPrev + (base + b0) * H, lda: H, b: weightHH, ldb: H, beta: 1, c: gt,
            ldc: G)
        }
        RecurrentStep.cellsForward(
          step: t, batch: batch, streams: streams, hiddenSize: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h,
          wide: wide)
      }
    }
    let last = (steps - 1) * batch * H
    h0.update(from: h + last, count: batch * H)
    c0.update(from: c + last, count: batch * H)
  }
}
