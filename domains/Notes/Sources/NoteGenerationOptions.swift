import Foundation
import SeqGenEngine

/// What notes generation takes beyond the shared request: how much music, how much of a MIDI
/// prime, and the files made beside the .mid.
public struct NoteGenerationOptions: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults {
  /// Seconds of music per sample (nil: 30, unless `events` or `length` counts events instead).
  public var seconds: Double?
  /// Events per sample.
  public var events: Int?
  /// Events per sample, the shared name for `events`.
  public var length: Int?
  /// Use only the first this-many seconds of the prime file.
  public var primeSeconds: Double?
  /// Leave the prime out of the written output.
  public var stripPrime = false
  /// Standard MIDI File format of the output, 0 or 1.
  public var midiFormat = 1
  /// Also draw the samples as a piano roll (SVG) here.
  public var pianoRoll: String?
  /// Also synthesize the samples with FluidSynth to this .wav, .flac or .ogg.
  public var render: String?
  /// The SoundFont for `render` (nil: fluid-soundfont-gm's).
  public var soundfont: String?
  /// Notes per second: "4", or a schedule "2@0s,6@20s" (`NoteControlRequest.parseDensity`).
  public var density: String?
  /// A key, "D minor" (`NoteControlRequest.parseKey`).
  public var key: String?
  /// 12 pitch-class weights, "1,0,1,…" (`NoteControlRequest.parsePitchClasses`).
  public var pitchClasses: String?
  /// "soft", "medium", "loud" or a velocity (`NoteControlRequest.parseDynamics`).
  public var dynamics: String?
  /// Notes sounding at once, on average.
  public var voices: Double?
  /// Chord names in turn, "Am F C G" (`NoteControlRequest.parseChords`).
  public var chords: String?
  /// Beats each chord lasts.
  public var beatsPerChord = 4.0
  /// Beats per minute that place the chords in time.
  public var bpm = 120.0

  public static let defaultSeconds = 30.0
  public static let maxSeconds = 3600.0

  public init(
    seconds: Double? = nil, events: Int? = nil, length: Int? = nil, primeSeconds: Double? = nil,
    stripPrime: Bool = false, midiFormat: Int = 1,
    pianoRoll: String? = nil, render: String? = nil, soundfont: String? = nil, density: String? = nil,
    key: String? = nil, pitchClasses: String? = nil, dynamics: String? = nil, voices: Double? = nil,
    chords: String? = nil, beatsPerChord: Double = 4, bpm: Double = 120
  ) {
    self.seconds = seconds
    self.events = events
    self.length = length
    self.primeSeconds = primeSeconds
    self.stripPrime = stripPrime
    self.midiFormat = midiFormat
    self.pianoRoll = pianoRoll
    self.render = render
    self.soundfont = soundfont
    self.density = density
    self.key = key
    self.pitchClasses = pitchClasses
    self.dynamics = dynamics
    self.voices = voices
    self.chords = chords
    self.beatsPerChord = beatsPerChord
    self.bpm = bpm
  }

  public init() { self.init(seconds: nil) }

  public static let settings = [
    Setting(
      "density", label: "Density",
      help:
        "Notes per second the music keeps to, as 4, or changing over time as 2@0s,6@20s (linear in between). Left out, the model chooses.",
      kind: .text),
    Setting(
      "key", label: "Key",
      help: "The key the notes keep to, as \"D minor\" or \"F# major\" (its scale's pitch classes). Left out, any.",
      kind: .text),
    Setting(
      "pitchClasses", label: "Pitch classes",
      help: "Instead of a key: 12 weights, C first, for how often each pitch class sounds (1,0,1,0,1,1,0,1,0,1,0,1).",
      kind: .text, advanced: true),
    Setting(
      "dynamics", label: "Dynamics",
      help:
        "How loud the notes are struck: soft, medium, loud or a MIDI velocity 1 to 127. Left out, the model chooses.",
      kind: .text),
    Setting(
      "voices", label: "Voices",
      help: "How many notes sound at once, on average (a chorale has 4). Left out, the model chooses.",
      kind: .number, minimum: 0, maximum: 16, exclusiveMinimum: true),
    Setting(
      "chords", label: "Chords",
      help:
        "Chords the music plays over, in turn and repeating, as \"Am F C G\" (root, then nothing, m, 7, maj7, m7, dim or aug). Left out, any.",
      kind: .text),
    Setting(
      "beatsPerChord", label: "Beats per chord", help: "How many beats each of the chords lasts.", kind: .number,
      default: .number(4), minimum: 0, maximum: 64, exclusiveMinimum: true),
    Setting(
      "bpm", label: "Tempo (bpm)", help: "Beats per minute, which place the chords in time.", kind: .number,
      default: .number(120), minimum: 20, maximum: 400, advanced: true),
    Setting(
      "seconds", label: "Seconds",
      help: "Seconds of music per sample (default 30, unless events are counted instead).",
      kind: .number, minimum: 0, maximum: maxSeconds, exclusiveMinimum: true),
    Setting(
      "events", label: "Events", help: "Generate this many events per sample instead of seconds.", kind: .integer,
      minimum: 1, maximum: Double(PlainGenerationOptions.maxLength), advanced: true),
    Setting(
      "length", label: "Length", help: "Events per sample (the shared name for events).", kind: .integer,
      minimum: 1, maximum: Double(PlainGenerationOptions.maxLength), advanced: true),
    Setting(
      "primeSeconds", label: "Prime seconds", help: "Use only the first this-many seconds of a MIDI prime.",
      kind: .number, minimum: 0, exclusiveMinimum: true, advanced: true),
    PlainGenerationOptions.setting("stripPrime"),
    Setting(
      "pianoRoll", label: "Piano roll", help: "Also draw the samples as a piano roll (an .svg file).", kind: .file),
    Setting(
      "render", label: "Render", help: "Also synthesize the samples with FluidSynth (.wav, .flac or .ogg).",
      kind: .file),
    Setting(
      "soundfont", label: "SoundFont",
      help: "The SoundFont for render (default: fluid-soundfont-gm's FluidR3_GM.sf2).", kind: .file, advanced: true),
    Setting(
      "midiFormat", label: "MIDI format", help: "Standard MIDI File format of the output.", kind: .integer,
      default: .number(1), minimum: 0, maximum: 1, advanced: true),
  ]

  /// The seconds a sample is generated for: nil when it is counted in events.
  public var duration: Double? { seconds ?? (events ?? length == nil ? Self.defaultSeconds : nil) }

  /// Events per sample at most. Counted in seconds, the cap lies far above any real piece's
  /// density, so a model that never shifts time still stops.
  public var eventLimit: Int { events ?? length ?? Int(duration! * 200) + 1000 }

  /// The controls asked for, parsed; throws naming the setting for one it cannot read.
  public func controlRequest() throws(EngineError) -> NoteControlRequest {
    if key != nil, pitchClasses != nil { throw .invalidArgument("give `key` or `pitchClasses`, not both") }
    var request = NoteControlRequest(voices: voices)
    if let density { request.density = try NoteControlRequest.parseDensity(density) }
    if let key { request.pitchClasses = try NoteControlRequest.parseKey(key) }
    if let pitchClasses { request.pitchClasses = try NoteControlRequest.parsePitchClasses(pitchClasses) }
    if let dynamics { request.velocity = try NoteControlRequest.parseDynamics(dynamics) }
    if let chords { request.chords = try NoteControlRequest.parseChords(chords) }
    request.secondsPerChord = beatsPerChord * 60 / bpm
    return request
  }

  public func validate() throws(EngineError) {
    try checkRanges()
    _ = try controlRequest()
    if events != nil, seconds != nil { throw .invalidArgument("give `seconds` or `events`, not both") }
    if soundfont != nil, render == nil { throw .invalidArgument("`soundfont` applies to `render` only") }
    if let pianoRoll, URL(fileURLWithPath: pianoRoll).pathExtension.lowercased() != "svg" {
      throw .invalidOption(name: "pianoRoll", reason: "writes SVG; give a file ending in .svg, got \(pianoRoll)")
    }
    if let render, !["wav", "flac", "ogg"].contains(URL(fileURLWithPath: render).pathExtension.lowercased()) {
      throw .invalidOption(name: "render", reason: "writes .wav, .flac or .ogg; got \(render)")
    }
  }
}
