import AVX512Kernels
import Foundation
import Testing

@testable import SeqGenEngine

/// The AVX-512 recurrent product and cell: the product against a float64 reference for every
/// packing and remainder case, and a whole LSTM chunk (forward, loss, backward) against the
/// portable path, which the gradient checks and the torch parity tests cover.
@Suite(.enabled(if: PackedGEMM.isAvailable, "the CPU has no AVX-512"))
struct PackedKernelTests {
  /// m covers blocks of eight and the single rows after them; k = 1 and odd k the loop ends.
  @Test(arguments: [(1, 32, 1), (3, 64, 5), (9, 32, 128), (7, 96, 33), (16, 512, 128)])
  func productMatchesReference(m: Int, n: Int, k: Int) {
    var rng = SeededGenerator(seed: UInt64(m * 1000 + k))
    let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
    let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }  // (K×N)
    let bT = (0..<(n * k)).map { i in b[(i % k) * n + i / k] }  // (N×K), the same matrix stored transposed
    let start = (0..<(m * n)).map { _ in rng.nextFloat() - 0.5 }
    for transposed in [false, true] {
      for accumulate in [false, true] {
        var packed = [Float](repeating: .nan, count: PackedGEMM.packedCount(k: k, n: n))
        var c = start
        (transposed ? bT : b).withUnsafeBufferPointer { src in
          packed.withUnsafeMutableBufferPointer { dst in
            // Two calls, as the layer packs half the panels on each thread.
            let panels = n / PackedGEMM.panelWidth
            let half = panels / 2
            for range in [0..<half, half..<panels] {
              PackedGEMM.pack(
                src.baseAddress!, ldb: transposed ? k : n, transposed: transposed, k: k, n: n, panels: range,
                into: dst.baseAddress!)
            }
          }
        }
        a.withUnsafeBufferPointer { a in
          packed.withUnsafeBufferPointer { p in
            c.withUnsafeMutableBufferPointer { c in
              PackedGEMM.multiply(
                m: m, n: n, k: k, a: a.baseAddress!, lda: k, packed: p.baseAddress!, c: c.baseAddress!, ldc: n,
                accumulate: accumulate)
            }
          }
        }
        var worst = 0.0
        for r in 0..<m {
          for j in 0..<n {
            var sum = accumulate ? Double(start[r * n + j]) : 0
            for kk in 0..<k { sum += Double(a[r * k + kk]) * Double(b[kk * n + j]) }
            worst = max(worst, abs(Double(c[r * n + j]) - sum))
          }
        }
        #expect(
          worst < 1e-5 * Double(k).squareRoot() + 1e-6,
          "transposed \(transposed), accumulate \(accumulate): worst \(worst)")
      }
    }
  }

  /// A 2-layer LSTM (hidden 32: packed products both ways, cell 16 lanes wide, plus a hidden
  /// size of 40 with a scalar tail and a backward product left to OpenBLAS) over a chunk with
  /// a reset: outputs, loss, every gradient and the carried state match the portable path, up
  /// to Float32 sums taken in another order.
  @Test(arguments: [32, 40])
  func lstmChunkMatchesPortablePath(hidden: Int) {
    let classes = 7
    let steps = 6
    let batch = 18  // 9 streams per thread: a block of eight and a single row
    let config = ModelConfig(
      input: .categorical(classes: classes), hiddenSize: hidden, numLayers: 2, dropout: 0, outputSize: classes)
    let model = Model(config: config, head: CategoricalHead(classes: classes), maxSteps: steps, batch: batch)
    var rng = SeededGenerator(seed: 11)
    model.initialize(rng: &rng)
    for i in 0..<model.params.count { model.params.values[i] *= 3 }
    let indices = (0..<steps).map { t in (0..<batch).map { b in (t * 3 + b * 5) % classes } }
    let targets: [[Int?]] = (0..<steps).map { t in (0..<batch).map { b in (t + b) % classes } }
    let resets = (0..<steps).map { t in (0..<batch).map { b in t == 3 && b == 1 } }
    let chunk = makeChunk(indices: indices, targets: targets, resets: resets, classes: classes)

    func run(avx512: Bool) -> (output: [Float], loss: Double, gradients: [Float], state: [Float]) {
      for layer in model.lstm.layers { layer.usesAVX512 = avx512 }
      let state = RecurrentState(numLayers: 2, batch: batch, hiddenSize: hidden)
      for i in 0..<state.h.count { state.h[i] = Float(i % 7) * 0.1 - 0.3 }
      model.forward(chunk.input, steps: steps, batch: batch, state: state, resets: chunk.resets, rng: &rng)
      let output = Array(UnsafeBufferPointer(start: model.lstm.layers[1].h.pointer, count: steps * batch * hidden))
      let loss = chunk.targets.withUnsafeBufferPointer {
        model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<(steps * batch)]), gradient: true)
      }
      model.params.zeroGradients()
      let dState = RecurrentState(numLayers: 2, batch: batch, hiddenSize: hidden)
      model.backward(steps: steps, batch: batch, resets: chunk.resets, dState: dState)
      return (output, loss, model.params.gradients.array, state.h.array + dState.h.array + dState.c.array)
    }
    let wide = run(avx512: true)
    let portable = run(avx512: false)
    /// The largest difference relative to the largest value (sums of 108 rows in another order
    /// differ most where they cancel, so element-wise ratios there say nothing).
    func worst(_ x: [Float], _ y: [Float]) -> Double {
      Double(zip(x, y).map { abs($0 - $1) }.max()!) / Double(y.map(abs).max()!)
    }
    #expect(worst(wide.output, portable.output) < 1e-5)
    #expect(relativeError(wide.loss, portable.loss) < 1e-6)
    #expect(worst(wide.gradients, portable.gradients) < 1e-5)
    #expect(worst(wide.state, portable.state) < 1e-5)
  }
}
