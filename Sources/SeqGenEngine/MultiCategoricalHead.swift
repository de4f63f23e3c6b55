import Foundation

/// Several independent softmaxes over one output row: a step made of a few small categorical
/// fields (a speech codec's frame: voicing, pitch, energy, spectral indices), each predicted
/// from the same LSTM output and drawn independently given it.
///
/// The decoder's row is the fields' logits side by side, (Σ classes); the loss is the sum of
/// the fields' cross-entropies, as torch's `sum(F.cross_entropy(logits[:, o_f:o_f+C_f], t[:, f])
/// for f)`. Independence given the state is the approximation: the LSTM sees the whole drawn
/// frame at the next step, so fields correlate across steps, not within one.
public struct MultiCategoricalHead: OutputHead {
  /// One class per field, each in 0..<classes[field].
  public typealias Target = [Int]
  public typealias Sample = [Int]

  /// Classes of each field, in row order.
  public let classes: [Int]
  /// Where each field's logits start in the row.
  public let offsets: [Int]
  public let outputSize: Int

  public init(classes: [Int]) {
    precondition(!classes.isEmpty && classes.allSatisfy { $0 >= 1 })
    self.classes = classes
    var offsets: [Int] = []
    var offset = 0
    for c in classes {
      offsets.append(offset)
      offset += c
    }
    self.offsets = offsets
    self.outputSize = offset
  }

  public func loss(
    _ output: UnsafePointer<Float>, targets: UnsafeBufferPointer<[Int]?>, scale: Float,
    dOutput: UnsafeMutablePointer<Float>?, parameters: HeadParameters
  ) -> Double {
    var total = 0.0
    for (r, target) in targets.enumerated() {
      let row = output + r * outputSize
      let dRow = dOutput?.advanced(by: r * outputSize)
      guard let target else {
        dRow?.update(repeating: 0, count: outputSize)
        continue
      }
      precondition(target.count == classes.count, "a target has \(target.count) fields, expected \(classes.count)")
      for (f, c) in classes.enumerated() {
        total += CategoricalHead.crossEntropy(
          row + offsets[f], classes: c, target: target[f], scale: scale, gradient: dRow?.advanced(by: offsets[f]))
      }
    }
    return total
  }

  /// Draws each field from its own softmax with the same controls: temperature, top-k, top-p
  /// and argmax as for one categorical, and Graves' bias b, which multiplies the logits by
  /// 1 + b (sharper fields: speech frames sound cleaner at the cost of variety).
  public func sample(
    _ output: UnsafePointer<Float>, controls: SamplingControls, parameters: HeadParameters, rng: inout SeededGenerator
  ) -> [Int] {
    let sharpen = 1 + (controls.bias ?? 0)
    var row = [Float](UnsafeBufferPointer(start: output, count: outputSize))
    if sharpen != 1 { for i in row.indices { row[i] *= sharpen } }
    return row.withUnsafeBufferPointer { row in
      classes.indices.map { f in
        CategoricalHead(classes: classes[f]).sample(
          row.baseAddress! + offsets[f], controls: controls, parameters: .none, rng: &rng)
      }
    }
  }

  public static let acceptedControls: Set<SamplingControl> = [.temperature, .topK, .topP, .argmax, .bias]
}
