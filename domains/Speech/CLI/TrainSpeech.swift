import ArgumentParser
import Codec2
import Foundation
import SeqGenCLI
import SeqGenEngine
import SpeechDomain

extension SpeechCondition: ExpressibleByArgument {}

/// `seqgen train speech`: an LSTM over codec2 frames, optionally told what to say.
struct TrainSpeech: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "speech",
    abstract:
      "LSTM over codec2 frames of 8 kHz speech (WAV, FLAC, Ogg, … via libsndfile); with transcripts, text to speech.",
    discussion: """
      Each clip is mixed down to mono, resampled to 8 kHz with libsamplerate and coded with \
      codec2 (--codec 3200: 20 ms frames of 14 fields, voicing, pitch, energy and ten LSP \
      differences; 1300: 40 ms frames of 16 fields). One LSTM step reads the previous frame \
      and predicts every field of the next with a softmax of its own, so --seq-length counts \
      frames and the loss is bits per frame (the summary adds bits per second).

      With --condition text the model learns to say a given sentence: each clip's transcript \
      conditions it through Graves' attention window over its characters (lower-cased); with \
      --condition phonemes, over its phonemes (espeak-ng's US English pronunciation, the same \
      at training and generation), so spelling need not be learnt: the one to choose, measured \
      far faster to intelligible (docs/speech.md). \
      Transcripts come from an LJSpeech folder (metadata.csv of id|text|normalized text, the \
      clips in wavs/ID.wav) or a name.txt beside each name.wav; a clip without one is an \
      error. `seqgen espeak` writes such a corpus from a text file.

      Example: seqgen train speech --data fixtures/audio/speech --out runs/babble
      Example: seqgen train speech --data data/espeak --condition phonemes --out runs/tts
      """
  )

  @OptionGroup var flags: TrainFlags<SpeechCommands>

  enum Codec: String, ExpressibleByArgument, CaseIterable {
    case c3200 = "3200"
    case c1300 = "1300"
    var mode: Codec2Mode { self == .c3200 ? .mode3200 : .mode1300 }
  }

  @Option(help: "codec2 bit rate of the frames: 3200 (20 ms frames, the default) or 1300 (40 ms, fewer and coarser).")
  var codec: Codec?

  @Option(
    help:
      "Condition the model on each clip's transcript, so it says a given text: its characters (`text`) or its phonemes as espeak-ng spells them (`phonemes`)."
  )
  var condition: SpeechCondition?

  @OptionGroup var window: WindowFlags

  var given: Set<String> {
    let flags: [(String, Bool)] = [
      ("codec", codec != nil), ("condition", condition != nil), ("windowMixtures", window.windowSize != nil),
    ]
    return Set(flags.filter(\.1).map(\.0))
  }

  func run() throws {
    let domain = SpeechDomain(mode: (codec ?? .c3200).mode, condition: condition)
    let options = window.applied(to: flags.options(defaults: domain.trainingDefaults))
    try Training.run(
      domain, flags: flags, options: options,
      conditionedExample: "--text \"The boat left the harbour at dawn.\" --out say.wav", given: given)
  }
}
