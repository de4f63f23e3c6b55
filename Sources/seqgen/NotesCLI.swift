import ArgumentParser
import Foundation
import NoteDomain
import SeqGenEngine
import SoundFile

#if canImport(Glibc)
  import Glibc
#endif

/// `seqgen train notes`: a Performance RNN on a folder of Standard MIDI Files.
struct TrainNotes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notes",
    abstract: "Performance-RNN event model on Standard MIDI Files (.mid, .midi, .smf, .kar in directories).",
    discussion: """
      Each file becomes one stream of NOTE_ON, NOTE_OFF, TIME_SHIFT and VELOCITY events (388 classes
      by default: 10 ms steps up to 1 s, 32 velocity bins), all channels merged into one instrument.
      Before training, unigram and bigram baselines are measured on the same validation split;
      after, the best validation loss is shown in bits per event and bits per second of music.
      With --transpose and/or --stretch, every epoch trains on each file transposed and
      time-stretched by amounts drawn afresh (from --seed, the epoch and the file), as Performance
      RNN did; validation is never augmented, and --resume continues with the run's settings.
      Example: seqgen train notes --data fixtures/notes/openmsx --out runs/openmsx --steps 2000
      """
  )

  @OptionGroup var flags: TrainFlags

  @Option(help: "Time grid: TIME_SHIFT steps per second (100 = 10 ms).") var stepsPerSecond = 100
  @Option(help: "Longest single TIME_SHIFT in grid steps (100 at 100/s = 1 s).") var maxShiftSteps = 100
  @Option(help: "VELOCITY classes (0 = ignore dynamics).") var velocityBins = 32
  @Flag(help: "Keep the General MIDI drum channel (channel 10), dropped by default.") var keepDrums = false
  @Flag(help: "Ignore the sustain pedal (CC64); by default it holds released keys.") var ignoreSustain = false
  @Option(help: "Augment: each epoch, transpose every file by a random whole number of semitones in ±N (0...24).") var transpose = 0
  @Option(help: "Augment: each epoch, stretch every file in time by a random factor in 1 ± P percent (0...50).") var stretch = 0.0

  var encoding: PerformanceEncoding {
    PerformanceEncoding(stepsPerSecond: stepsPerSecond, maxShiftSteps: maxShiftSteps, velocityBins: velocityBins)
  }

  var augmentation: NoteAugmentation? {
    transpose == 0 && stretch == 0 ? nil : NoteAugmentation(transpose: transpose, stretch: stretch / 100)
  }

  func validate() throws {
    do {
      try encoding.validate()
      try augmentation?.validate()
    } catch { throw ValidationError(error.description) }
  }

  func run() throws {
    var domain = NoteDomain(encoding: encoding, keepDrums: keepDrums, sustain: !ignoreSustain, augmentation: augmentation)
    let run = RunDirectory(URL(fileURLWithPath: flags.out))
    var paths = flags.data
    if flags.resume {
      // A resumed run reads and augments its files the way it started (its codec), whatever
      // flags are given now.
      let manifest = try run.manifest()
      let codec = try manifest.codec(as: NoteCodec.self, path: run.url.path)
      domain = NoteDomain(codec: codec)
      if paths.isEmpty { paths = manifest.data.paths }
    }
    let sequences = try domain.read(paths.map { URL(fileURLWithPath: $0) })
    let options = flags.resume ? try run.manifest().training : flags.options.forNewRun(of: NoteDomain.self)
    let (train, validation) = options.split(sequences)
    let baselines = try NoteBaselines(train: train, validation: validation, encoding: domain.encoding)
    Console.line(Self.baselineLine(baselines))
    try Training.run(domain, flags: flags)
    if let best = try run.manifest().progress.bestValidationLoss, baselines.seconds > 0 {
      let bitsPerEvent = best / M_LN2
      Console.line(
        String(
          format: "best validation: %.4f bits/event = %.1f bits/s of music (unigram %.4f, bigram %.4f bits/event)", bitsPerEvent,
          bitsPerEvent * baselines.eventsPerSecond, baselines.unigramBitsPerEvent, baselines.bigramBitsPerEvent))
    }
  }

  static func baselineLine(_ b: NoteBaselines) -> String {
    String(
      format: "validation: %@ events over %.1f s of music (%.1f events/s); baselines: unigram %.4f bits/event = %.1f bits/s, bigram %.4f bits/event = %.1f bits/s",
      b.events.formatted(), b.seconds, b.eventsPerSecond, b.unigramBitsPerEvent, b.unigramBitsPerSecond, b.bigramBitsPerEvent, b.bigramBitsPerSecond)
  }
}

/// `seqgen generate` flags for notes runs.
struct NotesGenerateFlags: ParsableArguments {
  /// The manifest name these flags belong to (lets GenerateCommand check without importing the domain).
  static let domainName = NoteDomain.name

  // --seconds, --prime-seconds and --strip-prime mean the same for notes as for audio and are
  // declared once, in AudioGenerateFlags (ArgumentParser refuses a flag declared twice); notes
  // runs read them through `GenerateCommand.timed`.
  @Option(help: "Notes: generate this many events per sample (same as --length; default: 30 s of music).") var events: Int?
  @Option(help: ArgumentHelp("Notes: also draw the samples as a piano roll (SVG).", valueName: "file.svg")) var pianoRoll: String?
  @Option(help: ArgumentHelp("Notes: also synthesize the samples with FluidSynth (.wav, .flac or .ogg).", valueName: "file.wav"))
  var render: String?
  @Option(help: ArgumentHelp("Notes: SoundFont for --render (default: fluid-soundfont-gm's FluidR3_GM.sf2).", valueName: "path"))
  var soundfont: String?
  @Option(help: "Notes: Standard MIDI File format of --out, 0 or 1.") var midiFormat = 1

  /// The flags given, as typed, for messages.
  var given: [String] {
    [
      events.map { _ in "--events" }, pianoRoll.map { _ in "--piano-roll" }, render.map { _ in "--render" },
      soundfont.map { _ in "--soundfont" }, midiFormat != 1 ? "--midi-format" : nil,
    ].compactMap { $0 }
  }

  func validate() throws {
    if let events, !(1...100_000_000).contains(events) { throw ValidationError("--events must be in 1...100000000, got \(events)") }
    guard midiFormat == 0 || midiFormat == 1 else { throw ValidationError("--midi-format must be 0 or 1, got \(midiFormat)") }
    if soundfont != nil, render == nil { throw ValidationError("--soundfont applies to --render only") }
    if let pianoRoll, URL(fileURLWithPath: pianoRoll).pathExtension.lowercased() != "svg" {
      throw ValidationError("--piano-roll writes SVG; give a file ending in .svg, got \(pianoRoll)")
    }
    if let render, !["wav", "flac", "ogg"].contains(URL(fileURLWithPath: render).pathExtension.lowercased()) {
      throw ValidationError("--render writes .wav, .flac or .ogg; got \(render)")
    }
  }

  /// Rejects notes flags on another domain's run; true when the run is a notes run.
  func check(domain: String) throws -> Bool {
    if domain == NoteDomain.name { return true }
    guard given.isEmpty else {
      throw ValidationError("\(given.joined(separator: ", ")) appl\(given.count == 1 ? "ies" : "y") to notes runs only; this run is \(domain)")
    }
    return false
  }
}

extension GenerateCommand {

  /// Notes generation: prime from a MIDI file, sample for --seconds or --events, write .mid (and SVG, audio).
  func generateNotes(dir: RunDirectory) throws {
    guard let out else { throw ValidationError("notes samples are MIDI, not text; give --out song.mid") }
    if skipUnknown { throw ValidationError("--skip-unknown applies to text runs only (a MIDI prime has no unknown events)") }
    if prime != nil, primeFile != nil { throw ValidationError("give --prime FILE.mid or --prime-file FILE.mid, not both") }
    let primePath = prime ?? primeFile
    if notes.events != nil, timed.seconds != nil { throw ValidationError("give --seconds or --events, not both") }
    if primePath == nil, timed.primeSeconds != nil { throw ValidationError("--prime-seconds needs --prime FILE.mid") }
    if primePath == nil, timed.stripPrime { throw ValidationError("--strip-prime needs --prime FILE.mid") }

    // Find the SoundFont before generating, so a missing one fails fast.
    let soundFont = try notes.render.map { _ in try NoteRenderer.findSoundFont(notes.soundfont) }
    let manifest = try dir.manifest()
    let codec = try manifest.codec(as: NoteCodec.self, path: dir.url.path)
    let stepsPerSecond = Double(codec.encoding.stepsPerSecond)
    // --events (or an explicit --length) counts events; otherwise --seconds (default 30) of music,
    // with an event cap far above any real piece's density so a model that never shifts time still stops.
    let explicitLength = CommandLine.arguments.contains { $0 == "--length" || $0.hasPrefix("--length=") } ? length : nil
    let seconds: Double? = timed.seconds ?? (notes.events ?? explicitLength == nil ? 30 : nil)
    var command = self
    command.length = notes.events ?? explicitLength ?? Int(seconds! * 200) + 1000

    var settings = "seqgen notes: \(dir.url.lastPathComponent) step \(manifest.progress.step) (\(checkpoint.rawValue)), seed \(seed), temperature \(temperature)"
    if let topK { settings += ", top-k \(topK)" }
    if let topP { settings += ", top-p \(topP)" }
    if argmax { settings += ", argmax" }
    if let primePath { settings += ", prime \(URL(fileURLWithPath: primePath).lastPathComponent)\(timed.primeSeconds.map { " (\($0) s)" } ?? "")" }
    let domain = NoteDomain(codec: codec, writer: MIDIWriter(format: notes.midiFormat, settings: settings))

    // Seconds generated so far per sample, kept as steps arrive (isComplete then costs O(1)).
    let clock = Clock(count: count)
    let (samples, primeSteps, _) = try command.sample(
      domain, dir: dir, primeRequest: PrimeRequest(file: primePath.map { URL(fileURLWithPath: $0) }, seconds: timed.primeSeconds),
      isComplete: { _ in seconds.map { Double(clock.steps[clock.last]) >= $0 * stepsPerSecond } ?? false },
      onStep: { b, step, _ in
        if case .timeShift(let s) = step { clock.steps[b] += s }
        clock.last = b
      })
    if let seconds, let short = clock.steps.firstIndex(where: { Double($0) < seconds * stepsPerSecond }) {
      Console.warn("warning: sample \(short + 1) stopped at \(command.length) events before reaching \(seconds) s")
    }
    let notesPerSample = samples.map { domain.notes(ofGenerated: $0, prime: primeSteps, codec: codec, stripPrime: primePath == nil || timed.stripPrime) }
    try domain.writeMIDI(notesPerSample, codec: codec, to: URL(fileURLWithPath: out))
    let total = notesPerSample.map(\.count).reduce(0, +)
    let longest = notesPerSample.map { $0.map(\.end).max() ?? 0 }.max() ?? 0
    Console.warn(String(format: "wrote %d sample%@ to %@ (%d notes, %.1f s%@)", count, count == 1 ? "" : "s", out, total, longest, count > 1 ? " longest" : ""))
    if let pianoRoll = notes.pianoRoll {
      let primeEnd = primePath != nil && !timed.stripPrime ? codec.encoding.seconds(of: primeSteps) : nil
      try PianoRoll.write(notesPerSample, title: settings, primeEnd: primeEnd, to: URL(fileURLWithPath: pianoRoll))
      Console.warn("wrote piano roll to \(pianoRoll)")
    }
    if let render = notes.render, let soundFont {
      let renderer = NoteRenderer(soundFont: soundFont)
      let audio = try renderer.render(domain.arrange(notesPerSample).notes)
      try SoundFile.write(audio, channels: 2, sampleRate: renderer.sampleRate, to: URL(fileURLWithPath: render))
      Console.warn(String(format: "rendered %.1f s of audio to %@ with %@", Double(audio.count / 2) / Double(renderer.sampleRate), render, renderer.soundFont))
    }
  }
}

/// Per-sample generated time, shared by the generation callbacks.
private final class Clock {
  var steps: [Int]
  var last = 0
  init(count: Int) { steps = Array(repeating: 0, count: count) }
}
