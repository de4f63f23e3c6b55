import ArgumentParser
import Foundation
import NoteDomain
import SeqGenCLI
import SeqGenEngine

/// `seqgen train notes`: a Performance RNN on a folder of Standard MIDI Files.
struct TrainNotes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notes",
    abstract: "Performance-RNN event model on Standard MIDI Files (.mid, .midi, .smf, .kar in directories).",
    discussion: """
      Each file becomes one stream of NOTE_ON, NOTE_OFF, TIME_SHIFT and VELOCITY events (388 classes \
      by default: 10 ms steps up to 1 s, 32 velocity bins), all channels merged into one instrument. \
      Before training, unigram and bigram baselines are measured on the same validation split; \
      after, the best validation loss is shown in bits per event and bits per second of music. \
      With --transpose and/or --stretch, every epoch trains on each file transposed and \
      time-stretched by amounts drawn afresh (from --seed, the epoch and the file), as Performance \
      RNN did; validation is never augmented, and --resume continues with the run's settings. \
      The defaults (below: about a minute on 2 cores) are the recipe measured best on the \
      openMSX fixture; for a larger collection give --steps and consider --transpose/--stretch. \
      Measurements: docs/notes.md.

      Example: seqgen train notes --data fixtures/notes/openmsx --out runs/openmsx --steps 2000
      """
  )

  @OptionGroup var flags: TrainFlags<NotesCommands>

  // Optional where a default exists, so a resumed run can tell a setting given from one left out.
  static let defaults = PerformanceEncoding()
  @Option(help: "Time grid: TIME_SHIFT steps per second (100 = 10 ms; default \(Self.defaults.stepsPerSecond)).")
  var stepsPerSecond: Int?
  @Option(help: "Longest single TIME_SHIFT in grid steps (100 at 100/s = 1 s; default \(Self.defaults.maxShiftSteps)).")
  var maxShiftSteps: Int?
  @Option(help: "VELOCITY classes (0 = ignore dynamics; default \(Self.defaults.velocityBins)).") var velocityBins: Int?
  @Flag(help: "Keep the General MIDI drum channel (channel 10), dropped by default.") var keepDrums = false
  @Flag(help: "Ignore the sustain pedal (CC64); by default it holds released keys.") var ignoreSustain = false
  @Option(
    help: "Augment: each epoch, transpose every file by a random whole number of semitones in ±N (0...24; default 0).")
  var transpose: Int?
  @Option(
    help: "Augment: each epoch, stretch every file in time by a random factor in 1 ± P percent (0...50; default 0).")
  var stretch: Double?
  @Flag(
    inversion: .prefixedNo,
    help:
      "Learn the controls generation may ask for (note density, key, dynamics, voices), measured from the music itself and left out at random so each may also be free (default on; --no-controls trains the plain Performance RNN)."
  )
  var controls: Bool?

  var encoding: PerformanceEncoding {
    PerformanceEncoding(
      stepsPerSecond: stepsPerSecond ?? Self.defaults.stepsPerSecond,
      maxShiftSteps: maxShiftSteps ?? Self.defaults.maxShiftSteps,
      velocityBins: velocityBins ?? Self.defaults.velocityBins)
  }

  var augmentation: NoteAugmentation? {
    let (transpose, stretch) = (transpose ?? 0, stretch ?? 0)
    return transpose == 0 && stretch == 0 ? nil : NoteAugmentation(transpose: transpose, stretch: stretch / 100)
  }

  /// The settings given (a resumed run refuses those its codec fixed with another value).
  var given: Set<String> {
    let flags: [(String, Bool)] = [
      ("stepsPerSecond", stepsPerSecond != nil), ("maxShiftSteps", maxShiftSteps != nil),
      ("velocityBins", velocityBins != nil), ("keepDrums", keepDrums), ("ignoreSustain", ignoreSustain),
      ("transpose", transpose != nil), ("stretch", stretch != nil), ("controls", controls != nil),
    ]
    return Set(flags.filter(\.1).map(\.0))
  }

  func validate() throws {
    do {
      try encoding.validate()
      try augmentation?.validate()
    } catch { throw ValidationError(error.description) }
  }

  func run() throws {
    try Training.run(
      NoteDomain(
        encoding: encoding, keepDrums: keepDrums, sustain: !ignoreSustain, augmentation: augmentation,
        controls: controls ?? true),
      flags: flags, given: given)
  }
}
