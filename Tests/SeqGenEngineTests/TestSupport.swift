import Foundation
import SeqGenTestSupport
import Testing

@testable import SeqGenEngine

/// The repository root, found from this file's path (tests read fixtures from there).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Relative difference with an absolute floor, so values near zero compare sensibly.
func relativeError(_ a: Double, _ b: Double, floor: Double = 1e-6) -> Double {
  abs(a - b) / max(abs(a), abs(b), floor)
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() -> URL { try! TemporaryDirectory().url }

/// A categorical chunk filled from explicit (T, B) indices, targets and resets.
func makeChunk(indices: [[Int]], targets: [[Int?]], resets: [[Bool]], classes: Int) -> Chunk<Int> {
  let steps = indices.count
  let batch = indices[0].count
  let chunk = Chunk<Int>(kind: .categorical(classes: classes), capacity: steps * batch)
  chunk.setShape(steps: steps, batch: batch)
  for t in 0..<steps {
    for b in 0..<batch {
      chunk.indices[t * batch + b] = Int32(indices[t][b])
      chunk.targets[t * batch + b] = targets[t][b]
      chunk.resets[t * batch + b] = resets[t][b]
    }
  }
  return chunk
}

/// The worst relative error between analytic gradients and central differences of `loss`,
/// perturbing each value of each buffer by ±h in turn (the buffer is restored afterwards).
func worstGradientError(
  _ checks: [(values: FloatBuffer, gradient: [Float])], h: Float = 1e-2, floor: Double, loss: () -> Double
) -> Double {
  var worst = 0.0
  for (buffer, gradient) in checks {
    for i in 0..<gradient.count {
      let saved = buffer[i]
      buffer[i] = saved + h
      let plus = loss()
      buffer[i] = saved - h
      let minus = loss()
      buffer[i] = saved
      worst = max(worst, relativeError(Double(gradient[i]), (plus - minus) / (2 * Double(h)), floor: floor))
    }
  }
  return worst
}

/// The worst relative error between `gradient[i]` and `scale` times the central difference
/// (step 1e-6) of the float64 `reference` loss at `x`, over every i.
func worstReferenceGradientError(_ x: [Double], gradient: [Float], scale: Double, reference: ([Double]) -> Double)
  -> Double
{
  var worst = 0.0
  for i in x.indices {
    var plus = x
    var minus = x
    plus[i] += 1e-6
    minus[i] -= 1e-6
    let numeric = scale * (reference(plus) - reference(minus)) / 2e-6
    worst = max(worst, relativeError(Double(gradient[i]), numeric, floor: 1e-4))
  }
  return worst
}
