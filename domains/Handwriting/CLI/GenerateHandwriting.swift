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

  @OptionGroup var shared: GenerateFlags<HandwritingCommands>

  @Option(help: ArgumentHelp(SamplingControls.setting("bias"), valueName: "b")) var bias: Float?
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("length"))) var length =
    HandwritingGenerationOptions().length
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("steps"))) var steps: Int?
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("strokes"))) var strokes: Int?
  @Flag(help: ArgumentHelp(HandwritingGenerationOptions.setting("stripPrime"))) var stripPrime = false
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("strokeWidth"), valueName: "units")) var strokeWidth:
    Double?
  @Flag(help: ArgumentHelp(HandwritingGenerationOptions.setting("singleLine"))) var singleLine = false
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("text"))) var text: String?
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("textFile"), valueName: "file")) var textFile: String?
  @Flag(help: ArgumentHelp(HandwritingGenerationOptions.setting("skipUnknown"))) var skipUnknown = false
  @Option(help: ArgumentHelp(HandwritingGenerationOptions.setting("style"), valueName: "file")) var style: String?

  var options: HandwritingGenerationOptions {
    HandwritingGenerationOptions(
      length: length, steps: steps, strokes: strokes, stripPrime: stripPrime, strokeWidth: strokeWidth,
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
