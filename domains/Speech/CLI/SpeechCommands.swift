import ArgumentParser
import SeqGenCLI
import SpeechDomain

/// The speech domain on the command line.
public enum SpeechCommands: DomainCommands {
  public static let domain = SpeechDomain()
  public static let train: any ParsableCommand.Type = TrainSpeech.self
  public static let generate: any ParsableCommand.Type = GenerateSpeech.self
  public static let tools: [any ParsableCommand.Type] = [EspeakCommand.self]
  public static let primeHelp = "A recording the clips continue (any format libsndfile reads)."
  public static let primeFileHelp = "The same as --prime."
  public static let outHelp = "The clip to write, .wav, .flac or .ogg (clip-1.wav … for several)."
}
