import ArgumentParser
import AudioDomain
import Foundation
import SeqGenCLI
import SeqGenEngine

/// `seqgen generate` for audio runs: clips written through libsndfile.
struct GenerateAudio: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audio",
    abstract: "Generate audio clips from an audio run (.wav, .flac or .ogg; one file per clip).",
    discussion: """
      --prime takes an audio file and the clips continue it. Each clip's level, spectral \
      flatness, harmonicity and level spread are printed to compare with speech, and the \
      real-time factor with them. Unless told otherwise, sampling is top-k 20 where the \
      sound is louder than -45 dBFS (measured to give voiced babble where the plain softmax \
      hisses); --top-k 256 is the plain softmax, --sharpen-above=-120 sharpens everywhere.

      Example: seqgen generate runs/speech --seconds 3 --out clip.wav
      """
  )

  @OptionGroup var shared: GenerateFlags<AudioCommands>
  @OptionGroup var cutoffs: CutoffFlags

  @Option(help: ArgumentHelp(AudioGenerationOptions.setting("seconds"))) var seconds: Double?
  @Option(help: ArgumentHelp(AudioGenerationOptions.setting("primeSeconds"), valueName: "seconds")) var primeSeconds:
    Double?
  @Flag(help: ArgumentHelp(AudioGenerationOptions.setting("stripPrime"))) var stripPrime = false
  @Option(help: ArgumentHelp(AudioGenerationOptions.setting("outputRate"), valueName: "Hz")) var outputRate: Int?
  @Option(help: ArgumentHelp(AudioGenerationOptions.setting("waveform"), valueName: "file.svg")) var waveform: String?
  @Option(help: ArgumentHelp(AudioGenerationOptions.setting("sharpenAbove"), valueName: "dBFS")) var sharpenAbove:
    Double?

  var options: AudioGenerationOptions {
    AudioGenerationOptions(
      seconds: seconds, primeSeconds: primeSeconds, stripPrime: stripPrime, outputRate: outputRate, waveform: waveform,
      sharpenAbove: sharpenAbove)
  }

  func validate() throws { try validating { try options.validate() } }

  func run() throws {
    try Generation.run(AudioDomain(), run: shared.run, request: shared.request(cutoffs.controls), options: options)
  }
}
