import ArgumentParser
import Foundation
import NoteDomain
import SeqGenCLI
import SeqGenEngine

/// `seqgen generate` for notes runs: a playable .mid, with a piano roll and a rendering.
struct GenerateNotes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notes",
    abstract: "Generate music from a notes run as a Standard MIDI File, optionally drawn and rendered.",
    discussion: """
      --prime takes a MIDI file and the samples continue it (the prime is kept in the output \
      unless --strip-prime). Several samples go into one file, two seconds apart.

      Example: seqgen generate runs/openmsx --seconds 30 --out song.mid --piano-roll roll.svg --render song.wav
      """
  )

  @OptionGroup var shared: GenerateFlags<NotesCommands>
  @OptionGroup var cutoffs: CutoffFlags

  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("seconds"))) var seconds: Double?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("events"))) var events: Int?
  /// The shared name of --events, accepted but not listed: the help speaks of events.
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("length"), visibility: .hidden)) var length: Int?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("primeSeconds"), valueName: "seconds")) var primeSeconds:
    Double?
  @Flag(help: ArgumentHelp(NoteGenerationOptions.setting("stripPrime"))) var stripPrime = false
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("pianoRoll"), valueName: "file.svg")) var pianoRoll: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("render"), valueName: "file.wav")) var render: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("soundfont"), valueName: "path")) var soundfont: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("midiFormat"))) var midiFormat = 1

  var options: NoteGenerationOptions {
    NoteGenerationOptions(
      seconds: seconds, events: events, length: length, primeSeconds: primeSeconds, stripPrime: stripPrime,
      midiFormat: midiFormat,
      pianoRoll: pianoRoll, render: render, soundfont: soundfont)
  }

  func validate() throws { try validating { try options.validate() } }

  func run() throws {
    try Generation.run(NoteDomain(), run: shared.run, request: shared.request(cutoffs.controls), options: options)
  }
}
