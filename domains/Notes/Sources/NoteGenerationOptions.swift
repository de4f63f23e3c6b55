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

  public static let defaultSeconds = 30.0
  public static let maxSeconds = 3600.0

  public init(
    seconds: Double? = nil, events: Int? = nil, length: Int? = nil, primeSeconds: Double? = nil,
    stripPrime: Bool = false, midiFormat: Int = 1,
    pianoRoll: String? = nil, render: String? = nil, soundfont: String? = nil
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
  }

  public init() { self.init(seconds: nil) }

  public static let settings = [
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

  public func validate() throws(EngineError) {
    try checkRanges()
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
