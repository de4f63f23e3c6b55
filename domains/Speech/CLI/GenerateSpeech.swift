import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine
import SpeechDomain

/// `seqgen generate` for speech runs: clips decoded by codec2, written through libsndfile.
struct GenerateSpeech: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "speech",
    abstract: "Say a given text (or babble) from a speech run: 8 kHz clips, .wav, .flac or .ogg.",
    discussion: """
      A run trained with --condition text says --text (or each line of --text-file; --count \
      clips each). A clip ends once the attention window has passed the text's end, and its \
      trailing silence is cut. --bias sharpens every field of every frame (cleaner, less \
      varied); --temperature below 1 does the same more bluntly. A run without transcripts \
      babbles for --seconds.

      Example: seqgen generate runs/tts --text "The boat left the harbour at dawn." --out say.wav
      Example: seqgen generate runs/babble --seconds 3 --out babble.wav
      """
  )

  @OptionGroup var shared: GenerateFlags<SpeechCommands>
  @OptionGroup var cutoffs: CutoffFlags

  @Option(help: ArgumentHelp(SamplingControls.setting("bias"), valueName: "b")) var bias: Float?
  @Option(help: ArgumentHelp(SpeechGenerationOptions.setting("text"))) var text: String?
  @Option(help: ArgumentHelp(SpeechGenerationOptions.setting("textFile"), valueName: "file")) var textFile: String?
  @Flag(help: ArgumentHelp(SpeechGenerationOptions.setting("skipUnknown"))) var skipUnknown = false
  @Option(help: ArgumentHelp(SpeechGenerationOptions.setting("seconds"))) var seconds: Double?
  @Flag(help: ArgumentHelp(SpeechGenerationOptions.setting("stripPrime"))) var stripPrime = false

  var options: SpeechGenerationOptions {
    SpeechGenerationOptions(
      text: text, textFile: textFile, skipUnknown: skipUnknown, seconds: seconds, stripPrime: stripPrime)
  }

  var request: GenerationRequest {
    var controls = cutoffs.controls
    controls.bias = bias
    return shared.request(controls)
  }

  func validate() throws {
    try validating {
      try options.validate()
      try request.validate()
    }
  }

  func run() throws {
    try Generation.run(SpeechDomain(), run: shared.run, request: request, options: options)
  }
}
