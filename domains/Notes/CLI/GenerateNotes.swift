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
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("density"), valueName: "notes/s|n@t,…")) var density: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("key"), valueName: "key")) var key: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("pitchClasses"), valueName: "w,…")) var pitchClasses: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("dynamics"), valueName: "soft|medium|loud|velocity"))
  var dynamics: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("voices"))) var voices: Double?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("chords"), valueName: "\"Am F C G\"")) var chords: String?
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("beatsPerChord"), valueName: "beats")) var beatsPerChord:
    Double = 4
  @Option(help: ArgumentHelp(NoteGenerationOptions.setting("bpm"))) var bpm: Double = 120

  var options: NoteGenerationOptions {
    NoteGenerationOptions(
      seconds: seconds, events: events, length: length, primeSeconds: primeSeconds, stripPrime: stripPrime,
      midiFormat: midiFormat,
      pianoRoll: pianoRoll, render: render, soundfont: soundfont, density: density, key: key,
      pitchClasses: pitchClasses, dynamics: dynamics, voices: voices, chords: chords, beatsPerChord: beatsPerChord,
      bpm: bpm)
  }

  func validate() throws { try validating { try options.validate() } }

  func run() throws {
    try Generation.run(NoteDomain(), run: shared.run, request: shared.request(cutoffs.controls), options: options)
  }
}
