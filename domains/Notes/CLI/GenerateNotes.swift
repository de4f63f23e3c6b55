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

  @OptionGroup var shared: GenerateFlags
  @OptionGroup var cutoffs: CutoffFlags

  @Option(
    help:
      "Seconds of music per sample (default \(Int(NoteGenerationOptions.defaultSeconds)), unless --events or --length is given)."
  )
  var seconds: Double?
  @Option(help: "Generate this many events per sample instead of --seconds.") var events: Int?
  @Option(help: "Events per sample (same as --events).") var length: Int?
  @Option(help: ArgumentHelp("Use only the first this-many seconds of --prime FILE.", valueName: "seconds"))
  var primeSeconds: Double?
  @Flag(help: "Leave the prime out of the written output.") var stripPrime = false
  @Option(help: ArgumentHelp("Also draw the samples as a piano roll (SVG).", valueName: "file.svg")) var pianoRoll:
    String?
  @Option(
    help: ArgumentHelp("Also synthesize the samples with FluidSynth (.wav, .flac or .ogg).", valueName: "file.wav"))
  var render: String?
  @Option(
    help: ArgumentHelp("SoundFont for --render (default: fluid-soundfont-gm's FluidR3_GM.sf2).", valueName: "path"))
  var soundfont: String?
  @Option(help: "Standard MIDI File format of --out, 0 or 1.") var midiFormat = 1

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
