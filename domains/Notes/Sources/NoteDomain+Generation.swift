import Foundation
import SeqGenEngine
import SoundIO

extension NoteDomain {
  /// Samples for `seconds` of music (or a number of events) after an optional MIDI prime and
  /// writes them as one .mid, with a piano roll and a FluidSynth rendering when asked.
  public func generate(
    run: RunDirectory, request: GenerationRequest, options: NoteGenerationOptions,
    events report: (GenerationEvent) -> Void
  ) throws -> GenerationOutput {
    try request.validate()
    try options.validate()
    guard let out = request.out else {
      throw EngineError.invalidArgument("notes samples are MIDI, not text; give `out` song.mid")
    }
    let primePath = request.primePath
    if primePath == nil, options.primeSeconds != nil {
      throw EngineError.invalidArgument("`primeSeconds` needs `prime` FILE.mid")
    }
    if primePath == nil, options.stripPrime { throw EngineError.invalidArgument("`stripPrime` needs `prime` FILE.mid") }
    // Find the SoundFont before generating, so a missing one fails fast.
    let soundFont = try options.render.map { _ in try NoteRenderer.findSoundFont(options.soundfont) }
    let manifest = try run.manifest()
    let codec = try manifest.codec(as: NoteCodec.self, path: run.url.path)
    let asked = try options.controlRequest()
    if !codec.controls, !asked.isEmpty {
      throw EngineError.invalidArgument(
        "this run was trained without controls (`noControls`), so it cannot follow `density`, `key`, `pitchClasses`, `dynamics`, `voices` or `chords`; train a new run to have them"
      )
    }
    let stepsPerSecond = Double(codec.encoding.stepsPerSecond)
    let seconds = options.duration
    let controls = request.controls
    var settings =
      "seqgen notes: \(run.url.lastPathComponent) step \(manifest.step(of: request.checkpoint)) (\(request.checkpoint.rawValue)), seed \(request.seed), temperature \(controls.temperature)"
    if let topK = controls.topK { settings += ", top-k \(topK)" }
    if let topP = controls.topP { settings += ", top-p \(topP)" }
    if controls.argmax { settings += ", argmax" }
    let given: [(String, String?)] = [
      ("density", options.density), ("key", options.key), ("pitch classes", options.pitchClasses),
      ("dynamics", options.dynamics), ("voices", options.voices.map { Setting.show($0) }),
      (
        "chords",
        options.chords.map {
          "\($0) (\(Setting.show(options.beatsPerChord)) beats at \(Setting.show(options.bpm)) bpm)"
        }
      ),
    ]
    for case (let name, let value?) in given { settings += ", \(name) \(value)" }
    if let label = request.label { settings += ", label \(label)" }
    if let primePath {
      settings +=
        ", prime \(URL(fileURLWithPath: primePath).lastPathComponent)\(options.primeSeconds.map { " (\($0) s)" } ?? "")"
    }
    var domain = NoteDomain(codec: codec, writer: MIDIWriter(format: options.midiFormat, settings: settings))
    domain.startVelocity = asked.velocity.map { Int($0.rounded()) }

    // Grid steps generated so far per sample, kept as steps arrive (isComplete then costs O(1)).
    var clock = Array(repeating: 0, count: request.count)
    var last = 0
    // The controls ride on each event fed in, at the time the piece has reached there (prime
    // included); a control left out is free.
    var fed = Array(repeating: 0, count: request.count)
    let (samples, prime, _) = try domain.sample(
      run: run, request: request,
      prime: PrimeRequest(file: primePath.map { URL(fileURLWithPath: $0) }, seconds: options.primeSeconds),
      length: options.eventLimit,
      stepControls: { b, step in
        let row = asked.row(at: Double(fed[b]) / stepsPerSecond)
        if case .timeShift(let s) = step { fed[b] += s }
        return row
      },
      isComplete: { _ in seconds.map { Double(clock[last]) >= $0 * stepsPerSecond } ?? false },
      onStep: { b, step, _ in
        if case .timeShift(let s) = step { clock[b] += s }
        last = b
      })
    if let seconds, let short = clock.firstIndex(where: { Double($0) < seconds * stepsPerSecond }) {
      report(
        .notice("warning: sample \(short + 1) stopped at \(options.eventLimit) events before reaching \(seconds) s"))
    }
    let stripPrime = primePath == nil || options.stripPrime
    let notesPerSample = samples.map {
      domain.notes(ofGenerated: $0, prime: prime, codec: codec, stripPrime: stripPrime)
    }
    let url = URL(fileURLWithPath: out)
    try domain.writeMIDI(notesPerSample, codec: codec, to: url)
    var files = [url]
    let total = notesPerSample.map(\.count).reduce(0, +)
    let longest = notesPerSample.map { $0.map(\.end).max() ?? 0 }.max() ?? 0
    let count = request.count
    report(
      .notice(
        String(
          format: "wrote %d sample%@ to %@ (%d notes, %.1f s%@)", count, count == 1 ? "" : "s", out, total, longest,
          count > 1 ? " longest" : "")))
    if let pianoRoll = options.pianoRoll {
      let primeEnd = stripPrime ? nil : codec.encoding.seconds(of: prime)
      // The requested chords are named on the roll where each begins.
      var marks: [(seconds: Double, text: String)] = []
      if let chords = asked.chords, let names = options.chords?.split(whereSeparator: { " ,|".contains($0) }) {
        let end = notesPerSample.map { $0.map(\.end).max() ?? 0 }.max() ?? 0
        var k = 0
        while Double(k) * asked.secondsPerChord <= end, k < 10_000 {
          marks.append((Double(k) * asked.secondsPerChord, String(names[k % chords.count])))
          k += 1
        }
      }
      try PianoRoll.write(
        notesPerSample, title: settings, primeEnd: primeEnd, marks: marks, to: URL(fileURLWithPath: pianoRoll))
      files.append(URL(fileURLWithPath: pianoRoll))
      report(.notice("wrote piano roll to \(pianoRoll)"))
    }
    if let render = options.render, let soundFont {
      let renderer = NoteRenderer(soundFont: soundFont)
      let audio = try renderer.render(domain.arrange(notesPerSample).notes)
      try SoundFile.write(audio, channels: 2, sampleRate: renderer.sampleRate, to: URL(fileURLWithPath: render))
      files.append(URL(fileURLWithPath: render))
      report(
        .notice(
          String(
            format: "rendered %.1f s of audio to %@ with %@", Double(audio.count / 2) / Double(renderer.sampleRate),
            render, renderer.soundFont)))
    }
    return GenerationOutput(files: files, figures: ["notes": Double(total), "seconds": longest])
  }

  // MARK: Reports

  /// Before training, the unigram and bigram baselines on the run's split; after, the best
  /// validation loss per event and per second of music beside them.
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<NoteEvent>, codec: NoteCodec, manifest: Manifest
  ) throws -> [String] {
    let b = try NoteBaselines(train: split.train, validation: split.validation, encoding: codec.encoding)
    switch moment {
    case .beforeTraining:
      return [
        String(
          format:
            "validation: %@ events over %.1f s of music (%.1f events/s); baselines: unigram %.4f bits/event = %.1f bits/s, bigram %.4f bits/event = %.1f bits/s",
          b.events.formatted(), b.seconds, b.eventsPerSecond, b.unigramBitsPerEvent, b.unigramBitsPerSecond,
          b.bigramBitsPerEvent, b.bigramBitsPerSecond)
      ]
    case .afterTraining:
      guard let best = manifest.progress.bestValidationLoss, b.seconds > 0 else { return [] }
      let bitsPerEvent = best / M_LN2
      return [
        String(
          format: "best validation: %.4f bits/event = %.1f bits/s of music (unigram %.4f, bigram %.4f bits/event)",
          bitsPerEvent,
          bitsPerEvent * b.eventsPerSecond, b.unigramBitsPerEvent, b.bigramBitsPerEvent)
      ]
    }
  }

  /// The loss per second of music: bits per event times the evaluated events per second.
  public func evaluationReport(
    _ loss: Loss, sequences: [SourceSequence<NoteEvent>], codec: NoteCodec, manifest: Manifest
  ) -> [String] {
    let seconds = sequences.map { codec.encoding.seconds(of: $0.steps.dropFirst()) }.reduce(0, +)
    guard loss.steps > 0, seconds > 0 else { return [] }
    return [
      String(
        format: "%.1f bits/s of music (%.1f events/s over %.1f s)", loss.bitsPerStep * Double(loss.steps) / seconds,
        Double(loss.steps) / seconds, seconds)
    ]
  }
}

extension NoteDomain {
  /// A served generation writes notes.mid (and the piano roll and rendering when asked for) in
  /// the server's folder, with the bundled SoundFont only.
  /// No SoundFont: the server renders with its own.
  public func servedSettings(_ codec: NoteCodec) -> [Setting] {
    NoteGenerationOptions.settings.filter { $0.name != "soundfont" }
  }

  public func served(_ request: GenerationRequest, options: NoteGenerationOptions, in folder: URL) throws -> (
    GenerationRequest, NoteGenerationOptions
  ) {
    guard options.soundfont == nil else {
      throw EngineError.invalidOption(name: "soundfont", reason: "is the server's to choose")
    }
    var (request, options) = (request, options)
    request.out = ServedFile.path(request.out, in: folder, default: "notes.mid")
    options.pianoRoll = ServedFile.path(options.pianoRoll, in: folder)
    options.render = ServedFile.path(options.render, in: folder)
    return (request, options)
  }
}

extension NoteDomain {
  /// Ten seconds, drawn as a piano roll and rendered with FluidSynth for the page's player.
  public static var playgroundOptions: String { #"{"seconds": 10, "pianoRoll": "roll.svg", "render": "render.wav"}"# }
}
