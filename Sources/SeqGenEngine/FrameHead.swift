import Foundation

/// The sample-level tier of a two-tier SampleRNN (Mehri et al. 2017) as an output head: the
/// LSTM steps once per frame of `frameSize` samples, and this head models the samples of the
/// next frame one after another, each as a `levels`-way softmax.
///
/// A target is the W samples just before the frame followed by the frame's N samples,
/// t = [s_{−W}, …, s_{−1}, s_0, …, s_{N−1}]. For sample j of the frame (shapes with
/// M = rows·N positions, D = `hiddenSize`, E = `embeddingSize`, W = `window`, Q = `levels`):
///
///     c_j   = decoder output for position j                      (D)   the frame tier's conditioning
///     x_j   = [emb(s_{j−1}), emb(s_{j−2}), …, emb(s_{j−W})]       (W·E) the W samples before s_j
///     h1_j  = relu(c_j + W0 · x_j)                                 head.mlp.0.weight (D, W·E), no bias
///     h2_j  = relu(W2 · h1_j + b2)                                 head.mlp.2.weight (D, D), .bias (D)
///     logit = W4 · h2_j + b4                                       head.mlp.4.weight (Q, D), .bias (Q)
///
/// so the decoder (LSTM → N·D) plays SampleRNN's per-position up-sampling, and the names are
/// those of `nn.Embedding` + `nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)` in torch.
/// Why the window slides across the frame boundary (SampleRNN's sample-level MLP does too): the
/// first samples of a frame are then predicted from the actual samples before them, not only
/// from the LSTM's summary of the previous frame; with a window inside the frame only, sample 0
/// saw nothing but c_0, and frame starts came out as noise. The domain supplies the W samples
/// before each frame in its targets (the level Q/2, silence, before the start of a file), and in
/// generation `sample(_:after:…)` takes them from the step just drawn. With `window` 0 there is
/// no embedding and no `mlp.0`: with `frameSize` 1, the plain one-tier model.
public struct FrameHead: OutputHead {
  /// The `window` levels before the frame, then the frame's `frameSize` levels, all in 0..<levels.
  public typealias Target = [Int]
  /// Laid out as `Target`: the window the frame was drawn after, then the drawn frame.
  public typealias Sample = [Int]

  public let frameSize: Int
  /// Earlier samples each position sees, W; it reaches back into the frames before when W > j.
  public let window: Int
  public let levels: Int
  public let hiddenSize: Int
  public let embeddingSize: Int
  /// Reused work buffers (one head serves one thread at a time).
  let scratch = Scratch()

  /// - Parameters:
  ///   - frameSize: samples per frame, N ≥ 1.
  ///   - window: earlier samples each position sees, W ≥ 0 (SampleRNN: W = N).
  ///   - levels: quantisation levels, Q (256 for 8-bit mu-law).
  ///   - hiddenSize: width D of the sample-level MLP; the decoder produces D per position.
  ///   - embeddingSize: width E of each earlier sample's embedding.
  public init(frameSize: Int, window: Int, levels: Int = 256, hiddenSize: Int, embeddingSize: Int) {
    precondition(frameSize >= 1 && window >= 0 && levels >= 2 && hiddenSize >= 1 && embeddingSize >= 1)
    self.frameSize = frameSize
    self.window = window
    self.levels = levels
    self.hiddenSize = hiddenSize
    self.embeddingSize = embeddingSize
  }

  /// Levels in a target: the window, then the frame.
  public var targetSize: Int { window + frameSize }
  public var outputSize: Int { frameSize * hiddenSize }

  public var parameterSpecs: [ParameterSpec] {
    let D = hiddenSize
    let windowed: [ParameterSpec] =
      window > 0
      ? [
        ParameterSpec("head.embedding.weight", [levels, embeddingSize]),
        ParameterSpec("head.mlp.0.weight", [D, window * embeddingSize]),
      ] : []
    return windowed + [
      ParameterSpec("head.mlp.2.weight", [D, D]), ParameterSpec("head.mlp.2.bias", [D]),
      ParameterSpec("head.mlp.4.weight", [levels, D]), ParameterSpec("head.mlp.4.bias", [levels]),
    ]
  }

  /// Offsets of each tensor in the head's block.
  struct Layout {
    var embedding = 0, w0 = 0, w2 = 0, b2 = 0, w4 = 0, b4 = 0, count = 0
  }

  var layout: Layout {
    var l = Layout()
    var offset = 0
    for spec in parameterSpecs {
      switch spec.name {
      case "head.embedding.weight": l.embedding = offset
      case "head.mlp.0.weight": l.w0 = offset
      case "head.mlp.2.weight": l.w2 = offset
      case "head.mlp.2.bias": l.b2 = offset
      case "head.mlp.4.weight": l.w4 = offset
      default: l.b4 = offset
      }
      offset += spec.count
    }
    l.count = offset
    return l
  }

  /// torch's defaults: `nn.Embedding` N(0, 1); `nn.Linear` U(−1/√fan_in, 1/√fan_in) for weight and bias.
  public func initialize(_ parameters: HeadParameters, rng: inout SeededGenerator) {
    let p = parameters.values
    let l = layout
    func uniform(_ offset: Int, _ count: Int, fanIn: Int) {
      let bound = 1 / Float(fanIn).squareRoot()
      for i in 0..<count { p[offset + i] = (rng.nextFloat() * 2 - 1) * bound }
    }
    let D = hiddenSize
    let Q = levels
    let E = embeddingSize
    if window > 0 {
      for i in 0..<(Q * E) { p[l.embedding + i] = Float(rng.nextGaussian()) }
      uniform(l.w0, D * window * E, fanIn: window * E)
    }
    uniform(l.w2, D * D, fanIn: D)
    uniform(l.b2, D, fanIn: D)
    uniform(l.w4, Q * D, fanIn: D)
    uniform(l.b4, Q, fanIn: D)
  }

  /// Writes the window input x_j of position j (W·E numbers) from a target (W + N levels).
  @inline(__always)
  func fillWindow(
    _ x: UnsafeMutablePointer<Float>, target: UnsafePointer<Int>, position j: Int, embedding: UnsafePointer<Float>
  ) {
    let E = embeddingSize
    for k in 1...window { (x + (k - 1) * E).update(from: embedding + target[window + j - k] * E, count: E) }
  }

  /// The teacher-forced logits of every position of every row with a target, (M, Q) row-major,
  /// with M = (rows with a target)·N; the work buffers hold the activations for `backward`.
  func forward(
    _ output: UnsafePointer<Float>, rows: [Int], targets: UnsafeBufferPointer<[Int]?>, parameters: HeadParameters
  )
    -> UnsafeMutablePointer<Float>
  {
    let N = frameSize
    let D = hiddenSize
    let Q = levels
    let WE = window * embeddingSize
    let M = rows.count * N
    let s = scratch
    s.reserve(positions: M, window: WE, hidden: D, levels: Q)
    let p = UnsafePointer(parameters.values)
    let l = layout
    // h1 = c (+ W0 · x)
    for (n, r) in rows.enumerated() {
      (s.h1 + n * N * D).update(from: output + r * outputSize, count: N * D)
      if window > 0 {
        targets[r]!.withUnsafeBufferPointer { t in
          for j in 0..<N {
            fillWindow(s.x + (n * N + j) * WE, target: t.baseAddress!, position: j, embedding: p + l.embedding)
          }
        }
      }
    }
    return mlpForward(positions: M, parameters: p)
  }

  /// The sample-level MLP on M positions whose conditioning c is in `scratch.h1` and window
  /// inputs x in `scratch.x`; the activations stay in the scratch for `mlpBackward`.
  ///
  ///     h1 = relu(c + x · W0ᵀ)   (M, D)     x (M, W·E)
  ///     h2 = relu(h1 · W2ᵀ + b2) (M, D)
  ///     z  = h2 · W4ᵀ + b4       (M, Q)     returned (the scratch's buffer)
  func mlpForward(positions M: Int, parameters p: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
    let D = hiddenSize
    let Q = levels
    let WE = window * embeddingSize
    let s = scratch
    let l = layout
    if window > 0 {
      BLAS.gemm(transB: true, m: M, n: D, k: WE, a: s.x, lda: WE, b: p + l.w0, ldb: WE, beta: 1, c: s.h1, ldc: D)
    }
    relu(s.h1, M * D)
    for m in 0..<M { (s.h2 + m * D).update(from: p + l.b2, count: D) }
    BLAS.gemm(transB: true, m: M, n: D, k: D, a: s.h1, lda: D, b: p + l.w2, ldb: D, beta: 1, c: s.h2, ldc: D)
    relu(s.h2, M * D)
    for m in 0..<M { (s.z + m * Q).update(from: p + l.b4, count: Q) }
    BLAS.gemm(transB: true, m: M, n: Q, k: D, a: s.h2, lda: D, b: p + l.w4, ldb: D, beta: 1, c: s.z, ldc: Q)
    return s.z
  }

  /// The backward pass of `mlpForward` from dz = ∂loss/∂z (M, Q) in `scratch.z`: accumulates
  /// (`+=`) dW4, db4, dW2, db2, dW0 into `g` and returns dc = ∂loss/∂c (M, D) in `scratch.d1`;
  /// with a window, leaves dx = ∂loss/∂x (M, W·E) in `scratch.dx` for the embedding rows.
  func mlpBackward(positions M: Int, parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>)
    -> UnsafeMutablePointer<Float>
  {
    let D = hiddenSize
    let Q = levels
    let WE = window * embeddingSize
    let s = scratch
    let l = layout
    let dz = s.z
    // Layer 4: dW4 += dzᵀ h2, db4 += Σ dz, dh2 = dz · W4, masked by h2 > 0.
    BLAS.gemm(transA: true, m: Q, n: D, k: M, a: dz, lda: Q, b: s.h2, ldb: D, beta: 1, c: g + l.w4, ldc: D)
    columnSums(dz, rows: M, columns: Q, into: g + l.b4)
    BLAS.gemm(m: M, n: D, k: Q, a: dz, lda: Q, b: p + l.w4, ldb: D, c: s.d2, ldc: D)
    for i in 0..<(M * D) where s.h2[i] <= 0 { s.d2[i] = 0 }
    // Layer 2: dW2 += da2ᵀ h1, db2 += Σ da2, dh1 = da2 · W2, masked by h1 > 0.
    BLAS.gemm(transA: true, m: D, n: D, k: M, a: s.d2, lda: D, b: s.h1, ldb: D, beta: 1, c: g + l.w2, ldc: D)
    columnSums(s.d2, rows: M, columns: D, into: g + l.b2)
    BLAS.gemm(m: M, n: D, k: D, a: s.d2, lda: D, b: p + l.w2, ldb: D, c: s.d1, ldc: D)
    for i in 0..<(M * D) where s.h1[i] <= 0 { s.d1[i] = 0 }
    // Layer 0: dW0 += da1ᵀ x; dx = da1 · W0 (the conditioning gets da1 itself).
    if window > 0 {
      BLAS.gemm(transA: true, m: D, n: WE, k: M, a: s.d1, lda: D, b: s.x, ldb: WE, beta: 1, c: g + l.w0, ldc: WE)
      BLAS.gemm(m: M, n: WE, k: D, a: s.d1, lda: D, b: p + l.w0, ldb: WE, c: s.dx, ldc: WE)
    }
    return s.d1
  }

  @inline(__always)
  func relu(_ x: UnsafeMutablePointer<Float>, _ count: Int) {
    for i in 0..<count where x[i] < 0 { x[i] = 0 }
  }

  public func loss(
    _ output: UnsafePointer<Float>, targets: UnsafeBufferPointer<[Int]?>, scale: Float,
    dOutput: UnsafeMutablePointer<Float>?, parameters: HeadParameters
  ) -> Double {
    let N = frameSize
    let D = hiddenSize
    let Q = levels
    let E = embeddingSize
    let W = window
    let WE = window * embeddingSize
    var rows: [Int] = []
    for (r, t) in targets.enumerated() {
      if t != nil {
        rows.append(r)
      } else {
        dOutput?.advanced(by: r * outputSize).update(repeating: 0, count: outputSize)
      }
    }
    guard !rows.isEmpty else { return 0 }
    for r in rows {
      let target = targets[r]!
      precondition(target.count == W + N, "frame target has \(target.count) levels, expected \(W) + \(N)")
      for level in target { precondition(level >= 0 && level < Q, "level \(level) outside 0..<\(Q)") }
    }
    let M = rows.count * N
    let z = forward(output, rows: rows, targets: targets, parameters: parameters)
    let s = scratch
    // −log softmax(z)[target]; z becomes scale · (softmax − one-hot).
    var total = 0.0
    for (n, r) in rows.enumerated() {
      let frame = targets[r]!
      for j in 0..<N {
        let row = z + (n * N + j) * Q
        let target = frame[W + j]
        var top = row[0]
        for q in 1..<Q { top = max(top, row[q]) }
        let shiftedTarget = row[target] - top
        var sum: Float = 0
        for q in 0..<Q {
          row[q] = expf(row[q] - top)
          sum += row[q]
        }
        total += Double(logf(sum) - shiftedTarget)
        if dOutput != nil {
          let inv = scale / sum
          for q in 0..<Q { row[q] *= inv }
          row[target] -= scale
        }
      }
    }
    guard let dOutput else { return total }
    let g = parameters.gradients
    let dc = mlpBackward(positions: M, parameters: UnsafePointer(parameters.values), gradients: g)
    for (n, r) in rows.enumerated() { (dOutput + r * outputSize).update(from: dc + n * N * D, count: N * D) }
    guard window > 0 else { return total }
    // dx scattered into the embedding rows it came from.
    let dEmbedding = g + layout.embedding
    for (n, r) in rows.enumerated() {
      let frame = targets[r]!
      for j in 0..<N {
        let dxj = s.dx + (n * N + j) * WE
        for k in 1...W {
          let dst = dEmbedding + frame[W + j - k] * E
          let src = dxj + (k - 1) * E
          for e in 0..<E { dst[e] += src[e] }
        }
      }
    }
    return total
  }

  /// Adds the column sums of a (rows, columns) matrix to `sums`.
  @inline(__always)
  func columnSums(_ a: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
      let row = a + r * columns
      for c in 0..<columns { sums[c] += row[c] }
    }
  }

  public var readsPreviousStep: Bool { window > 0 }
}
