import ArgumentParser
import Foundation
import HandwritingDomain
import SeqGenCLI
import SeqGenEngine

/// `seqgen generate` for handwriting runs: strokes drawn as SVG or written as InkML.
struct GenerateHandwriting: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "handwriting",
    abstract: "Draw pen strokes from a handwriting run as SVG (one row per sample) or InkML.",
    discussion: """
      --prime takes a file of strokes (any format training reads) and the samples continue it. \
      Graves' --bias makes the strokes neater and less varied.

      A run trained with --condition text writes a given text: --text (or --text-file, one row \
      per line; --count rows each); each row ends once the attention window has passed the text's \
      end, cut back to its last pen lift (no stray stroke after the text). With --style FILE (a \
      line of strokes with its transcription, in any format training reads; the same as --prime) \
      the text continues in that hand: Graves' priming.

      Example: seqgen generate runs/hw --strokes 40 --bias 1 --count 3 --out hw.svg
      Example: seqgen generate runs/hwtext --text "To be, or not to be" --bias 1 --out line.svg
      Example: seqgen generate runs/hwtext --text "To be, or not to be" --style data/lines/line-00007.inkml \
      --out styled.svg
      """
  )

  @OptionGroup var shared: GenerateFlags

  @Option(
    help: ArgumentHelp(
      "Graves' sampling bias b ≥ 0: σ = exp(σ̂ − b), π = softmax(π̂·(1 + b)); larger is neater, less varied.",
      valueName: "b"))
  var bias: Float?
  @Option(help: "Points to generate per sample.") var length = HandwritingGenerationOptions().length
  @Option(help: "Points to generate per sample (same as --length).") var steps: Int?
  @Option(help: "Stop each sample after this many strokes, i.e. pen lifts.") var strokes: Int?
  @Flag(help: "Draw the --prime strokes first, in a lighter colour.") var showPrime = false
  @Option(help: ArgumentHelp("SVG line width in data units (default: 1/40 of the row height).", valueName: "units"))
  var strokeWidth: Double?
  @Flag(help: "Pen-plotter SVG: one bare path per stroke, no fill or styling.") var singleLine = false
  @Option(help: "The text to write (a run trained with --condition text).") var text: String?
  @Option(help: ArgumentHelp("Write each line of this UTF-8 file as a row.", valueName: "file")) var textFile: String?
  @Flag(help: "Leave out characters of the text the model has no class for, instead of failing.")
  var skipUnknown = false
  @Option(help: ArgumentHelp("Write the text in the hand of this transcribed line of strokes.", valueName: "file"))
  var style: String?

  var options: HandwritingGenerationOptions {
    HandwritingGenerationOptions(
      length: length, steps: steps, strokes: strokes, showPrime: showPrime, strokeWidth: strokeWidth,
      singleLine: singleLine, text: text, textFile: textFile, skipUnknown: skipUnknown,
      style: style)
  }

  var request: GenerationRequest { shared.request(SamplingControls(bias: bias)) }

  func validate() throws {
    try validating {
      try options.validate()
      try request.validate()
    }
  }

  func run() throws {
    try Generation.run(HandwritingDomain(), run: shared.run, request: request, options: options)
  }
}
