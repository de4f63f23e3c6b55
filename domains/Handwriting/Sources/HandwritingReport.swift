import Foundation
import SeqGenEngine

/// The losses of a handwriting run in the units users compare across papers and tools: per
/// point in the data's own units and per sequence (Graves' unit), beside a one-Gaussian baseline.
public enum HandwritingReport {
  /// One line: data-unit nats and bits per point, the normalised figures, and nats per
  /// sequence of `pointsPerSequence` points.
  public static func line(_ label: String, natsPerPoint: Double, codec: HandwritingCodec, pointsPerSequence: Double?)
    -> String
  {
    let data = natsPerPoint + codec.natsPerPointToDataUnits
    var text = String(
      format: "%@: %.4f nats/point = %.4f bits/point in data units (normalised offsets: %.4f nats = %.4f bits/point)",
      label, data, data / M_LN2, natsPerPoint, natsPerPoint / M_LN2)
    if let pointsPerSequence {
      text += String(format: ", %.1f nats/sequence (× %.1f points)", data * pointsPerSequence, pointsPerSequence)
    }
    return text
  }
}

extension HandwritingDomain {
  /// After training: the best validation loss against the one-Gaussian baseline, both on the
  /// run's own split and in data units.
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<PenStep>, codec: HandwritingCodec, manifest: Manifest
  ) throws -> [String] {
    guard moment == .afterTraining else { return [] }
    // The split cuts a sequence in two with one step shared, so the points add up as unsplit.
    let sequences = max(Set((split.train + split.validation).map(\.source)).count, 1)
    let points = (split.train + split.validation).map { $0.steps.count - 1 }.reduce(0, +)
    let perSequence = Double(points) / Double(sequences)
    var lines = [
      String(
        format:
          "offsets normalised by sx = %.4g, sy = %.4g data units: add log2(sx·sy) = %.4f bits per point for data units",
        codec.scaleX, codec.scaleY, codec.natsPerPointToDataUnits / M_LN2)
    ]
    guard let best = manifest.progress.bestValidationLoss, !split.validation.isEmpty else { return lines }
    lines.append(
      HandwritingReport.line(
        "validation (best, step \(manifest.progress.bestStep ?? manifest.progress.step))", natsPerPoint: best,
        codec: codec, pointsPerSequence: perSequence))
    let baseline = HandwritingBaseline(fitting: split.train, codec: codec).evaluate(split.validation, codec: codec)
    lines.append(
      HandwritingReport.line(
        "baseline, one bivariate Gaussian + Bernoulli fitted to the training offsets",
        natsPerPoint: baseline.natsPerStep, codec: codec,
        pointsPerSequence: perSequence))
    return lines
  }

  /// The same loss in data units and per sequence, beside the one-Gaussian baseline fitted to
  /// the run's own training part (when its files can still be read).
  public func evaluationReport(
    _ loss: Loss, sequences: [SourceSequence<PenStep>], codec: HandwritingCodec, manifest: Manifest
  ) -> [String] {
    guard loss.steps > 0 else { return [] }
    let perSequence = Double(loss.steps) / Double(max(sequences.filter { $0.steps.count >= 2 }.count, 1))
    var lines = [
      HandwritingReport.line("model", natsPerPoint: loss.natsPerStep, codec: codec, pointsPerSequence: perSequence)
    ]
    guard let corpus = try? read(manifest.data.paths.map { URL(fileURLWithPath: $0) }) else {
      lines.append(
        "(no baseline: the run's training data \(manifest.data.paths.joined(separator: ", ")) cannot be read)")
      return lines
    }
    let baseline = HandwritingBaseline(fitting: manifest.training.split(corpus).train, codec: codec).evaluate(
      sequences, codec: codec)
    lines.append(
      HandwritingReport.line(
        "baseline (one bivariate Gaussian + Bernoulli fitted to the run's training offsets)",
        natsPerPoint: baseline.natsPerStep, codec: codec,
        pointsPerSequence: perSequence))
    return lines
  }
}
