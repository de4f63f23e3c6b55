import ArgumentParser
import NoteDomain
import SeqGenCLI

/// The notes domain on the command line.
public enum NotesCommands: DomainCommands {
  public static let domain = NoteDomain()
  public static let train: any ParsableCommand.Type = TrainNotes.self
  public static let generate: any ParsableCommand.Type = GenerateNotes.self
  public static let primeHelp = "A MIDI file the samples continue (its first --prime-seconds, all of it by default)."
  public static let primeFileHelp = "The same as --prime."
  public static let outHelp = "The Standard MIDI File to write (several samples go into it two seconds apart)."
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Notes — openMSX MIDI", data: ["notes/openmsx"],
    train: [
      "--hidden-size", "128", "--num-layers", "2", "--seq-length", "64", "--batch-size", "32", "--learning-rate",
      "0.003",
    ],
    steps: (1000, 30),
    generate: [
      (
        [
          "--events", "1200", "--temperature", "0.9", "--seed", "4", "--out", "notes.mid", "--piano-roll",
          "notes-roll.svg", "--render", "notes.wav",
        ],
        ["notes.mid", "notes-roll.svg", "notes.wav"]
      )
    ])
}
