import ArgumentParser
import AudioDomain
import SeqGenCLI

/// The audio domain on the command line.
public enum AudioCommands: DomainCommands {
  public static let domain = AudioDomain()
  public static let train: any ParsableCommand.Type = TrainAudio.self
  public static let generate: any ParsableCommand.Type = GenerateAudio.self
  /// The engine's loudness gate is set in dBFS on the command line.
  public static let flagNames = ["loudnessGate": "--sharpen-above"]
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Audio — speech", data: ["audio/speech"],
    // A pitch period in the sample window and the LSTM's input, pre-emphasis to push the
    // sampling noise under the voice, and speed/gain variants against a 61 s corpus: the
    // default 2×128 model at 3000 steps drones on one pitch; this one babbles in syllables.
    train: [
      "--hidden-size", "128", "--num-layers", "2", "--seq-length", "50", "--batch-size", "16", "--window", "64",
      "--input-samples", "80",
      "--pre-emphasis", "0.85", "--speed", "10", "--gain", "3",
    ],
    steps: (3000, 30),
    // The latest weights: on a 61 s corpus the best-validation checkpoint comes early and,
    // after the silent default prime, can stay near silence; later weights babble. Top-k
    // where the sound is louder than −45 dBFS cuts the noise between the harmonics; applied
    // everywhere, it would keep the silence at the start silent.
    generate: [
      (
        [
          "--seconds", "3", "--seed", "5", "--checkpoint", "latest", "--top-k", "20", "--sharpen-above=-45", "--out",
          "audio.wav", "--waveform",
          "audio-waveform.svg",
        ],
        ["audio.wav", "audio-waveform.svg"]
      )
    ])
}
