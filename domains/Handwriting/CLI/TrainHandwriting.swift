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
      with the normalisation undone) beside a one-Gaussian baseline. The defaults (below: under \
      a minute on the bundled lines) are the recipe measured best at equal wall time.

      With --condition text the model learns to write a given text: each line's transcription \
      (InkML <annotation type="truth">; JSON {"text": …, "strokes": …}; for IAM On-Line's \
      lineStrokes/…/FORM-NN.xml, line NN of the CSR: section of ascii/…/FORM.txt) conditions it through \
      Graves' soft attention window of --window-size Gaussians, with skip connections from the \
      input to every layer and from every layer to the head; `seqgen generate RUN --text …` then \
      writes a line. A file without a transcription is an error. Its defaults are --seq-length 100 \
      and --steps 6000 at Adam 0.002, 15–17 minutes on 2 cores: the most legible writer measured \
      in that time; with half as long again to spare, --hidden-size 192 writes better. The 300 \
      bundled lines are learnt by heart within 500 steps: train on thousands of lines made with \
      `seqgen hershey` (its default 20,000). Measurements: docs/handwriting.md.

      Example: seqgen train handwriting --data fixtures/handwriting/hershey-lines --out runs/hw --steps 2000
      Example: seqgen hershey --text-file fixtures/text/shakespeare.txt --out data/lines
      Example: seqgen train handwriting --data data/lines --out runs/hwtext --condition text
      """
  )

  @OptionGroup var flags: TrainFlags<HandwritingCommands>

  @Option(
    help:
      "Bivariate Gaussian components of the mixture-density head (Graves used 20; default \(HandwritingDomain.defaultComponents))."
  )
  var components: Int?

  @Option(
    help: ArgumentHelp(
      "Clip pen offsets to ± this many data units before normalising (tames outliers such as jumps across the page).",
      valueName: "units"))
  var maxOffset: Float?

  enum Condition: String, ExpressibleByArgument, CaseIterable { case text }

  @Option(help: "Condition the model on each line's transcription, so it writes a given text (`text`).")
  var condition: Condition?

  @OptionGroup var window: WindowFlags

  /// The settings given (a resumed run refuses those it fixed with another value).
  var given: Set<String> {
    let flags: [(String, Bool)] = [
      ("components", components != nil), ("maxOffset", maxOffset != nil), ("condition", condition != nil),
      ("windowMixtures", window.windowSize != nil),
    ]
    return Set(flags.filter(\.1).map(\.0))
  }

  func validate() throws {
    if let components, !(1...HandwritingCodec.maxComponents).contains(components) {
      throw ValidationError("--components must be in 1...\(HandwritingCodec.maxComponents), got \(components)")
    }
    if let maxOffset, !(maxOffset > 0 && maxOffset.isFinite) {
      throw ValidationError("--max-offset must be a positive number, got \(maxOffset)")
    }
  }

  func run() throws {
    let domain = HandwritingDomain(
      components: components ?? HandwritingDomain.defaultComponents, maxOffset: maxOffset,
      conditionOnText: condition == .text)
    let options = window.applied(to: flags.options(defaults: domain.trainingDefaults))
    try Training.run(
      domain, flags: flags, options: options, conditionedExample: "--text \"To be, or not to be\" --out line.svg",
      given: given)
  }
}
