import ArgumentParser
import Foundation
import HandwritingDomain
import SeqGenCLI
import SeqGenEngine

/// `seqgen train handwriting`: a Graves-style mixture-density LSTM on pen strokes.
struct TrainHandwriting: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "handwriting",
    abstract: "Mixture-density LSTM on pen strokes (InkML, IAM On-Line stroke XML, JSON stroke lists).",
    discussion: """
      One step is a pen offset (dx, dy) plus an end-of-stroke bit; offsets are divided by their \
      standard deviation over the corpus. The head is Graves' mixture of --components bivariate \
      Gaussians plus a Bernoulli end of stroke. Losses in the log are per point of normalised \
      offsets; the summary at the end also gives them in the data's own units (bits per point \
      with the normalisation undone) beside a one-Gaussian baseline.

      Example: seqgen train handwriting --data fixtures/handwriting/hershey-lines --out runs/hw --steps 2000
      """
  )

  @OptionGroup var flags: TrainFlags

  @Option(help: "Bivariate Gaussian components of the mixture-density head (Graves used 20).")
  var components = HandwritingDomain.defaultComponents

  @Option(
    help: ArgumentHelp(
      "Clip pen offsets to ± this many data units before normalising (tames outliers such as jumps across the page).",
      valueName: "units"))
  var maxOffset: Float?

  func validate() throws {
    guard (1...HandwritingCodec.maxComponents).contains(components) else {
      throw ValidationError("--components must be in 1...\(HandwritingCodec.maxComponents), got \(components)")
    }
    if let maxOffset, !(maxOffset > 0 && maxOffset.isFinite) {
      throw ValidationError("--max-offset must be a positive number, got \(maxOffset)")
    }
  }

  func run() throws {
    try Training.run(HandwritingDomain(components: components, maxOffset: maxOffset), flags: flags)
  }
}
