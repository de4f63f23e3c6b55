import Foundation
import SeqGenEngine

/// The trivial model a handwriting LSTM must beat: one bivariate Gaussian fitted to all offsets
/// plus one end-of-stroke probability, ignoring context. Fitted by maximum likelihood on the
/// training sequences and scored with the same `MixtureDensityHead` code as the LSTM (M = 1), so
/// the two losses are directly comparable.
public struct HandwritingBaseline: Sendable {
  /// The head's raw row for the fitted distribution: [ê, π̂, μx, μy, log σx, log σy, atanh ρ].
  public let row: [Float]

  /// Fits the distribution of the predicted steps (every step but the first of each sequence).
  public init(fitting corpus: [SourceSequence<PenStep>], codec: HandwritingCodec) {
    var n = 0.0
    var ends = 0.0
    var sum = SIMD2<Double>.zero
    var sumSq = SIMD2<Double>.zero
    var sumXY = 0.0
    for s in corpus {
      for step in s.steps.dropFirst() {
        let p = codec.normalised(step)
        let d = SIMD2(Double(p.dx), Double(p.dy))
        n += 1
        sum += d
        sumSq += d * d
        sumXY += d.x * d.y
        if p.eos { ends += 1 }
      }
    }
    n = max(n, 1)
    let mean = sum / n
    let variance = sumSq / n - mean * mean
    let sx = max(variance.x, 1e-12).squareRoot()
    let sy = max(variance.y, 1e-12).squareRoot()
    let rho = min(max((sumXY / n - mean.x * mean.y) / (sx * sy), -0.999), 0.999)
    let pEnd = min(max(ends / n, 1e-9), 1 - 1e-9)
    row = [
      Float(log(pEnd / (1 - pEnd))), 0, Float(mean.x), Float(mean.y), Float(log(sx)), Float(log(sy)), Float(atanh(rho)),
    ]
  }

  /// Loss of the fitted distribution on `sequences` (nats summed over predicted steps, normalised units).
  public func evaluate(_ sequences: [SourceSequence<PenStep>], codec: HandwritingCodec) -> Loss {
    let head = MixtureDensityHead(components: 1)
    let targets: [MixtureDensityHead.Point?] = sequences.flatMap { $0.steps.dropFirst().map { codec.normalised($0) } }
    guard !targets.isEmpty else { return Loss(nats: 0, steps: 0) }
    var output = [Float]()
    output.reserveCapacity(targets.count * row.count)
    for _ in targets { output += row }
    let nats = targets.withUnsafeBufferPointer { t in
      output.withUnsafeBufferPointer {
        head.loss($0.baseAddress!, targets: t, scale: 1, dOutput: nil, parameters: .none)
      }
    }
    return Loss(nats: nats, steps: targets.count)
  }
}
