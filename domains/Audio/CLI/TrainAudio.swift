import ArgumentParser
import AudioDomain
import Foundation
import SeqGenCLI
import SeqGenEngine

/// `seqgen train audio`: a SampleRNN-style frame LSTM on a folder of recordings.
struct TrainAudio: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audio",
    abstract:
      "Frame-level LSTM + sample-level MLP (two-tier SampleRNN) on raw audio (WAV, FLAC, Ogg, AIFF, … via libsndfile).",
    discussion: """
      Each file is mixed down to mono, resampled to --rate with libsamplerate \
      and quantised to 256 levels (mu-law unless --quantization linear). One \
      LSTM step reads the previous frame of --frame-size samples; the head then \
      draws the next frame sample by sample, each from the LSTM's output and \
      the --window samples before it (reaching into the previous frame). So \
      --seq-length counts frames (truncated BPTT over seq-length × frame-size \
      samples) and the loss is reported per frame; the summary at the end gives \
      bits per sample and per second. --frame-size 1 is the one-tier baseline \
      (one LSTM step per sample). --speed and --gain train each epoch on every \
      file played at a random speed and gain (drawn from --seed, the epoch and \
      the file; validation is never augmented), for corpora of a few minutes. \
      The defaults are the best recipe measured on the speech fixture: a window \
      of 4 frames (64 samples, a pitch period at 8 kHz) that the LSTM reads too \
      (--input-samples 80), --pre-emphasis 0.85, --speed 10 --gain 3, batch 16 \
      and 3000 steps (about 9 minutes on 2 cores); generation then samples top-k \
      20 where the sound is louder than -45 dBFS. The SampleRNN-style plain \
      recipe (--window 16 --input-samples 16 --pre-emphasis 0 --speed 0 --gain 0) \
      drones on one pitch and, sampled plainly, hisses. Generate prints each \
      clip's flatness, harmonicity and level spread to compare with speech.

      Example: seqgen train audio --data fixtures/audio/speech --out runs/speech
      """
  )

  @OptionGroup var flags: TrainFlags<AudioCommands>

  @Option(help: "Model sample rate in Hz (default: the corpus's own rate when every file shares one, else 16000).")
  var rate: Int?
  // Optional where a default exists, so a resumed run can tell a setting given from one left out.
  static let defaults = AudioCodec(sampleRate: 0)
  @Option(help: "Samples per LSTM step (1 = one-tier baseline; default \(Self.defaults.frameSize)).")
  var frameSize: Int?
  @Option(help: "Sample quantisation to 256 levels: mulaw (the default) or linear.") var quantization: Quantization?
  @Option(help: "Width of the sample-level MLP (default \(Self.defaults.mlpHiddenSize)).") var mlpHiddenSize: Int?
  @Option(
    help: "Width of each earlier sample's embedding in the sample-level MLP (default \(Self.defaults.embeddingSize)).")
  var sampleEmbeddingSize: Int?
  @Option(
    help: ArgumentHelp(
      "Earlier samples the sample-level MLP sees for each sample, sliding back into earlier frames (default: 4 × --frame-size; SampleRNN's is --frame-size; 0 = none).",
      valueName: "samples"))
  var window: Int?
  @Option(
    help: ArgumentHelp(
      "Samples the LSTM reads each step: the last frame and the ones before it, up to --frame-size + --window (default: all of them; SampleRNN's is --frame-size).",
      valueName: "samples"))
  var inputSamples: Int?
  @Option(
    help: ArgumentHelp(
      "Cut leading and trailing audio quieter than this level (write --trim-silence=-50).", valueName: "dBFS"))
  var trimSilence: Double?
  @Option(help: ArgumentHelp("Peak-normalise every file to this level (write --normalize=-1).", valueName: "dBFS"))
  var normalize: Double?
  @Option(
    help: ArgumentHelp(
      "Filter each file with 1 − α·z⁻¹ before quantising, and generated audio with the inverse, so sampling noise falls where speech is loud (LPCNet's 0.85, the default; 0 = off).",
      valueName: "α"))
  var preEmphasis: Double?
  @Option(
    help: ArgumentHelp(
      "Augment: each epoch, play every file at a random speed in 1 ± P percent (0...30, default 10; pitch moves with it).",
      valueName: "P"))
  var speed: Double?
  @Option(
    help: ArgumentHelp(
      "Augment: each epoch, scale every file by a random gain in ±DB (0...12, default 3).", valueName: "DB"))
  var gain: Double?

  var settings: AudioCodec {
    let frameSize = frameSize ?? Self.defaults.frameSize
    let window = window ?? 4 * frameSize
    let (speed, gain) = (speed ?? 10, gain ?? 3)
    return AudioCodec(
      sampleRate: rate ?? 0, frameSize: frameSize, window: window, inputSamples: inputSamples ?? frameSize + window,
      quantization: quantization ?? .mulaw, trimSilenceDB: trimSilence,
      normalizePeakDB: normalize, preEmphasis: preEmphasis ?? 0.85,
      mlpHiddenSize: mlpHiddenSize ?? Self.defaults.mlpHiddenSize,
      embeddingSize: sampleEmbeddingSize ?? Self.defaults.embeddingSize,
      augmentation: speed == 0 && gain == 0 ? nil : AudioAugmentation(speed: speed / 100, gainDB: gain))
  }

  /// The settings given (a resumed run refuses those its codec fixed with another value).
  var given: Set<String> {
    let flags: [(String, Bool)] = [
      ("rate", rate != nil), ("frameSize", frameSize != nil), ("window", window != nil),
      ("inputSamples", inputSamples != nil), ("quantization", quantization != nil), ("trimSilence", trimSilence != nil),
      ("normalize", normalize != nil), ("preEmphasis", preEmphasis != nil), ("mlpHiddenSize", mlpHiddenSize != nil),
      ("sampleEmbeddingSize", sampleEmbeddingSize != nil), ("speed", speed != nil), ("gain", gain != nil),
    ]
    return Set(flags.filter(\.1).map(\.0))
  }

  func validate() throws {
    var check = settings
    if rate == nil { check.sampleRate = AudioDomain.fallbackRate }
    do { try check.validate() } catch { throw ValidationError(error.description) }
  }

  func run() throws {
    try Training.run(
      AudioDomain(settings: settings), flags: flags, given: given)
  }
}

extension Quantization: ExpressibleByArgument {}
