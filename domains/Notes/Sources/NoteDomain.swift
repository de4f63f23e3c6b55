import Foundation
import SeqGenEngine

/// Standard MIDI Files as Performance RNN event streams: the notes domain.
///
/// Every file is read with its whole tempo map, all channels merged into one instrument (the
/// drum channel dropped unless `keepDrums`, the sustain pedal applied unless told not to), and
/// turned into NOTE_ON / NOTE_OFF / TIME_SHIFT / VELOCITY events on a fixed time grid. One file is
/// one sequence, so the LSTM state is zeroed between files. Generated events decode back into
/// notes, repaired (stray NOTE_OFFs ignored, stuck notes closed), and are written as a format 1 MIDI file.
public struct NoteDomain: SequenceDomain {
  public typealias Step = NoteEvent
  public typealias Head = CategoricalHead

  public static let name = "notes"
  public static let stepUnit = "event"
  /// Primed from files of its own format only.
  public static let primesFromText = false
  /// File extensions read when a directory is given.
  public static let extensions: Set<String> = ["mid", "midi", "smf", "kar"]

  /// The training defaults: Adam at 4e-3. On fixtures/notes/openmsx at 1,500 steps (48 s,
  /// Intel Xeon, 2 cores; `scripts/equal_time.py`, seeds 1–4) it held out 3.583 bits/event
  /// against 4.105 at the general 2e-3 (better on every seed) and 3.628 at 6e-3. A model that
  /// keeps to its controls needs more: 4,500 steps with dropout 0.2, halving the rate every
  /// 3,000 steps, kept 90–95% of notes in a requested key against 78–92% after 1,500 steps
  /// (Bach chorales and the fixture, docs/notes.md#controls), about three times as long.
  public var trainingDefaults: TrainingOptions {
    var o = TrainingOptions()
    o.learningRate = 4e-3
    o.steps = 4500
    o.dropout = 0.2
    o.lrDecay = 0.5
    o.lrDecayEvery = 3000
    return o
  }

  /// The event vocabulary new runs are trained with.
  public var encoding: PerformanceEncoding
  /// Keep the General MIDI drum channel (channel 10) instead of dropping it.
  public var keepDrums: Bool
  /// Let the sustain pedal (CC64) hold released keys.
  public var sustain: Bool
  /// The transposition and time stretch new runs draw afresh each epoch (nil: none).
  public var augmentation: NoteAugmentation?
  /// How generated MIDI is written (format, the settings text in the track name).
  public var writer: MIDIWriter
  /// New runs read `NoteControls` beside every event, so generation can ask for a density, a
  /// key, dynamics and voices.
  public var controls: Bool
  /// The velocity a generation without a prime file starts at, when one is asked for
  /// (`--dynamics`); nil: the corpus's most common first event.
  public var startVelocity: Int?

  public init(
    encoding: PerformanceEncoding = PerformanceEncoding(), keepDrums: Bool = false, sustain: Bool = true,
    augmentation: NoteAugmentation? = nil, writer: MIDIWriter = MIDIWriter(), controls: Bool = true
  ) {
    self.encoding = encoding
    self.keepDrums = keepDrums
    self.sustain = sustain
    self.augmentation = augmentation
    self.writer = writer
    self.controls = controls
  }

  /// A domain that reads files exactly as the run with this codec was trained.
  public func configured(for codec: NoteCodec) -> NoteDomain {
    var domain = NoteDomain(codec: codec, writer: writer)
    domain.startVelocity = startVelocity
    return domain
  }

  /// The event grid, the channels and pedal read, and the augmentation are the run's.
  public func settingsFixed(by codec: NoteCodec) -> [FixedSetting] {
    func percent(_ a: NoteAugmentation?) -> String { Setting.show((a?.stretch ?? 0) * 100) }
    return [
      FixedSetting(
        "stepsPerSecond", requested: String(encoding.stepsPerSecond), run: String(codec.encoding.stepsPerSecond)),
      FixedSetting(
        "maxShiftSteps", requested: String(encoding.maxShiftSteps), run: String(codec.encoding.maxShiftSteps)),
      FixedSetting("velocityBins", requested: String(encoding.velocityBins), run: String(codec.encoding.velocityBins)),
      FixedSetting("keepDrums", requested: String(keepDrums), run: String(codec.keepDrums)),
      FixedSetting("ignoreSustain", requested: String(!sustain), run: String(!codec.sustain)),
      FixedSetting(
        "transpose", requested: String(augmentation?.transpose ?? 0), run: String(codec.augmentation?.transpose ?? 0)),
      FixedSetting("stretch", requested: percent(augmentation), run: percent(codec.augmentation)),
      FixedSetting("controls", requested: String(controls), run: String(codec.controls)),
    ]
  }

  public init(codec: NoteCodec, writer: MIDIWriter = MIDIWriter()) {
    self.init(
      encoding: codec.encoding, keepDrums: codec.keepDrums, sustain: codec.sustain, augmentation: codec.augmentation,
      writer: writer, controls: codec.controls)
  }

  // MARK: Reading

  /// The MIDI files at `url`: the file itself, or those under a directory, sorted by path.
  public static func files(at url: URL) throws(NoteError) -> [URL] {
    do { return try CorpusFiles.find(at: url, extensions: extensions) } catch {
      throw .unreadable(path: url.path, reason: error.reason(kind: "MIDI", extensions: extensions))
    }
  }

  /// The notes of one file as this domain interprets it (drums, pedal), checked for length.
  public func notes(of url: URL) throws(NoteError) -> [Note] {
    let file = try MIDIReader.read(url)
    let notes = file.notes(keepDrums: keepDrums, sustain: sustain)
    if let last = notes.map(\.end).max(), last > PerformanceEncoding.maxSeconds {
      throw .unsupported(
        path: url.path,
        reason: "the piece lasts \(Int(last)) s, more than the \(Int(PerformanceEncoding.maxSeconds)) s limit")
    }
    guard !notes.isEmpty else {
      let drums = !keepDrums && !file.notes(keepDrums: true, sustain: false).isEmpty
      throw .noNotes(
        path: url.path,
        reason: drums ? "only drum-channel notes, which are dropped without `keepDrums`" : "no note-on events")
    }
    return notes
  }

  /// Reads every MIDI file into one event sequence. A file without notes found in a folder is
  /// skipped with a warning; a corpus with no notes at all is an error.
  public func read(_ urls: [URL]) throws -> [SourceSequence<NoteEvent>] {
    var sequences: [SourceSequence<NoteEvent>] = []
    var files: [URL] = []
    for url in urls { files += try Self.files(at: url) }
    for file in files {
      do {
        sequences.append(SourceSequence(source: file.path, steps: encoding.encode(try self.notes(of: file))))
      } catch {
        guard files.count > 1, case .noNotes(let path, let reason) = error else { throw error }
        FileHandle.standardError.write(Data("warning: skipping \(path): no notes (\(reason))\n".utf8))
      }
    }
    guard !sequences.isEmpty else { throw NoteError.emptyCorpus(urls.map(\.path).joined(separator: ", ")) }
    return sequences
  }

  // MARK: Codec and steps

  public func makeCodec(for corpus: [SourceSequence<NoteEvent>]) throws -> NoteCodec {
    try encoding.validate()
    var firsts: [NoteEvent: Int] = [:]
    for s in corpus { if let e = s.steps.first { firsts[e, default: 0] += 1 } }
    // Most common first event; ties go to the lowest class, so the choice is deterministic.
    var ranked: [(count: Int, index: Int)] = []
    for (event, count) in firsts { ranked.append((count, try encoding.index(of: event))) }
    let best = ranked.min { ($1.count, $0.index) < ($0.count, $1.index) }
    let start = best.map { encoding.event(at: $0.index) } ?? .velocity(bin: encoding.bin(ofVelocity: 64))
    return NoteCodec(
      encoding: encoding, keepDrums: keepDrums, sustain: sustain, startEvent: start, augmentation: augmentation,
      controls: controls, longestNote: Self.longestNote(in: corpus, encoding: encoding))
  }

  /// The 99.9th percentile of the corpus's note lengths in seconds (so one fermata or stuck
  /// key in a file does not set it), at most `PerformanceEncoding.maxGeneratedNoteSeconds`;
  /// nil for a corpus without notes.
  static func longestNote(in corpus: [SourceSequence<NoteEvent>], encoding: PerformanceEncoding) -> Double? {
    let lengths = corpus.flatMap { encoding.decode($0.steps, maxNoteSeconds: nil).map(\.duration) }.sorted()
    guard !lengths.isEmpty else { return nil }
    let quantile = lengths[min(lengths.count - 1, Int(0.999 * Double(lengths.count)))]
    return min(PerformanceEncoding.maxGeneratedNoteSeconds, quantile)
  }

  public func controlWidth(_ codec: NoteCodec) -> Int { codec.controls ? NoteControls.width : 0 }

  /// Every event's `NoteControls`, measured over the music that begins there.
  public func controls(of sequence: SourceSequence<NoteEvent>, codec: NoteCodec, leavingOut seed: UInt64?) -> [Float] {
    NoteControls.rows(of: sequence.steps, encoding: codec.encoding, leavingOut: seed)
  }

  // MARK: Augmentation

  public func augments(_ codec: NoteCodec) -> Bool { codec.augmentation != nil }

  /// The events of a random variant (see `NoteAugmentation`) of a training part. The events go
  /// back to notes and the variant is encoded anew, so it is on the grid with releases before
  /// onsets as read files are; notes still sounding where the part was cut end there.
  public func augment(_ sequence: SourceSequence<NoteEvent>, codec: NoteCodec, seed: UInt64) -> SourceSequence<
    NoteEvent
  > {
    guard let augmentation = codec.augmentation else { return sequence }
    let notes = codec.encoding.decode(sequence.steps, maxNoteSeconds: nil)
    return SourceSequence(
      source: sequence.source, steps: codec.encoding.encode(augmentation.variant(of: notes, seed: seed)))
  }

  public func inputKind(_ codec: NoteCodec) -> InputKind { .categorical(classes: codec.encoding.classes) }

  public func input(_ step: NoteEvent, codec: NoteCodec) throws -> StepInput {
    .index(try codec.encoding.index(of: step))
  }

  public func target(_ step: NoteEvent, codec: NoteCodec) throws -> Int { try codec.encoding.index(of: step) }

  public func makeHead(_ codec: NoteCodec) -> CategoricalHead { CategoricalHead(classes: codec.encoding.classes) }

  public func step(from sample: Int, codec: NoteCodec) -> NoteEvent { codec.encoding.event(at: sample) }

  // MARK: Prime

  /// The events of a MIDI file (`file`, or `text` taken as a path), optionally only its first
  /// `seconds` (counted from its first note; notes still sounding there stay open for the model
  /// to continue). Without a file: the corpus's most common first event, or, with
  /// `startVelocity` and velocity classes, the VELOCITY event of that velocity, so the music
  /// starts as loud as asked (the model keeps a velocity until it draws another).
  public func prime(_ request: PrimeRequest, codec: NoteCodec) throws -> [NoteEvent] {
    guard let url = request.file ?? request.text.map({ URL(fileURLWithPath: $0) }) else {
      guard let startVelocity, codec.encoding.velocityBins > 0 else { return [codec.startEvent] }
      return [.velocity(bin: codec.encoding.bin(ofVelocity: startVelocity))]
    }
    let events = codec.encoding.encode(try NoteDomain(codec: codec).notes(of: url))
    guard let seconds = request.seconds else { return events }
    guard seconds > 0, seconds.isFinite else {
      throw NoteError.notRepresentable("`primeSeconds` must be a positive number, got \(seconds)")
    }
    let limit = Int((seconds * Double(codec.encoding.stepsPerSecond)).rounded())
    var cut: [NoteEvent] = []
    var now = 0
    for e in events {
      if case .timeShift(let s) = e {
        cut.append(.timeShift(steps: min(s, limit - now)))
        now += min(s, limit - now)
      } else {
        cut.append(e)
      }
      if now >= limit { break }
    }
    return cut
  }

  // MARK: Writing

  /// The notes of generated samples, one after another with two seconds of silence between,
  /// each start marked "sample k of n" when there are several.
  public func arrange(_ samples: [[Note]]) -> (notes: [Note], markers: [(seconds: Double, text: String)]) {
    var notes: [Note] = []
    var markers: [(seconds: Double, text: String)] = []
    var offset = 0.0
    for (k, sample) in samples.enumerated() {
      if samples.count > 1 { markers.append((offset, "sample \(k + 1) of \(samples.count)")) }
      notes += sample.map {
        var n = $0
        n.start += offset
        n.end += offset
        return n
      }
      offset = (notes.map(\.end).max() ?? offset) + 2
    }
    return (notes, markers)
  }

  /// The notes a generated sample plays. Its prime and its events are decoded together, so the
  /// prime's velocity and held keys carry over; with `stripPrime`, notes begun during the prime
  /// are dropped and the rest moved to start at 0 s. Notes held longer than the corpus's
  /// longest (`NoteCodec.longestNote`) are closed.
  public func notes(ofGenerated sample: [NoteEvent], prime: [NoteEvent], codec: NoteCodec, stripPrime: Bool) -> [Note] {
    let notes = codec.encoding.decode(prime + sample, maxNoteSeconds: codec.maxGeneratedNoteSeconds)
    guard stripPrime else { return notes }
    let primeSeconds = codec.encoding.seconds(of: prime)
    return notes.compactMap { n in
      guard n.start >= primeSeconds - 1e-9 else { return nil }
      return Note(
        pitch: n.pitch, velocity: n.velocity, start: max(0, n.start - primeSeconds), end: n.end - primeSeconds,
        channel: n.channel)
    }
  }

  /// Writes samples' notes as one MIDI file (see `arrange`) on the codec's grid.
  public func writeMIDI(_ samples: [[Note]], codec: NoteCodec, to url: URL) throws {
    let (notes, markers) = arrange(samples)
    var w = writer
    w.stepsPerSecond = codec.encoding.stepsPerSecond
    try w.write(notes, markers: markers, to: url)
  }

  /// Decodes each sample (closing notes held longer than the corpus's longest) and writes them
  /// as one MIDI file.
  public func write(_ samples: [[NoteEvent]], codec: NoteCodec, to url: URL) throws {
    try writeMIDI(
      samples.map { codec.encoding.decode($0, maxNoteSeconds: codec.maxGeneratedNoteSeconds) }, codec: codec, to: url)
  }
}
