import ArgumentParser
import AudioDomain
import SeqGenCLI

/// The audio domain on the command line.
public enum AudioCommands: DomainCommands {
  public static let domain = AudioDomain()
  public static let train: any ParsableCommand.Type = TrainAudio.self
  public static let generate: any ParsableCommand.Type = GenerateAudio.self
  public static let primeHelp =
    "A recording the clips continue (any format libsndfile reads; its first --prime-seconds)."
  public static let primeFileHelp = "The same as --prime."
  public static let outHelp = "The clip to write, .wav, .flac or .ogg (clip-1.wav … with --count)."
  /// The engine's loudness gate is set in dBFS on the command line.
  public static let flagNames = ["loudnessGate": "--sharpen-above"]
  /// The defaults themselves (they are the recipe measured best on this fixture), 3 s from
  /// the latest weights: on a 61 s corpus the best-validation checkpoint comes early and, after
  /// the silent default prime, can stay near silence; later weights babble.
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Audio — speech", data: ["audio/speech"], train: [],
    steps: (AudioDomain().trainingDefaults.steps ?? 3000, 30),
    generate: [
      (
        [
          "--seconds", "3", "--seed", "5", "--checkpoint", "latest", "--out", "audio.wav", "--waveform",
          "audio-waveform.svg",
        ],
        ["audio.wav", "audio-waveform.svg"]
      )
    ])
}
