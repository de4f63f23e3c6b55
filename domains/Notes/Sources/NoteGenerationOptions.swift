import Foundation
import SeqGenEngine

/// What notes generation takes beyond the shared request: how much music, how much of a MIDI
/// prime, and the files made beside the .mid.
public struct NoteGenerationOptions: Codable, Sendable, Equatable {
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

  /// Decodes JSON in which every field may be left out.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      seconds: try c.decodeIfPresent(Double.self, forKey: .seconds),
      events: try c.decodeIfPresent(Int.self, forKey: .events),
      length: try c.decodeIfPresent(Int.self, forKey: .length),
      primeSeconds: try c.decodeIfPresent(Double.self, forKey: .primeSeconds),
      stripPrime: try c.decodeIfPresent(Bool.self, forKey: .stripPrime) ?? false,
      midiFormat: try c.decodeIfPresent(Int.self, forKey: .midiFormat) ?? 1,
      pianoRoll: try c.decodeIfPresent(String.self, forKey: .pianoRoll),
      render: try c.decodeIfPresent(String.self, forKey: .render),
      soundfont: try c.decodeIfPresent(String.self, forKey: .soundfont))
  }

  /// The seconds a sample is generated for: nil when it is counted in events.
  public var duration: Double? { seconds ?? (events ?? length == nil ? Self.defaultSeconds : nil) }

  /// Events per sample at most. Counted in seconds, the cap lies far above any real piece's
  /// density, so a model that never shifts time still stops.
  public var eventLimit: Int { events ?? length ?? Int(duration! * 200) + 1000 }

  public func validate() throws(EngineError) {
    let maxLength = PlainGenerationOptions.maxLength
    if let seconds, !(seconds > 0 && seconds <= Self.maxSeconds) {
      throw .invalidOption(name: "seconds", reason: "must be in (0, \(Int(Self.maxSeconds))], got \(seconds)")
    }
    if let primeSeconds, !(primeSeconds > 0 && primeSeconds.isFinite) {
      throw .invalidOption(name: "primeSeconds", reason: "must be a positive number, got \(primeSeconds)")
    }
    if let events, !(1...maxLength).contains(events) {
      throw .invalidOption(name: "events", reason: "must be in 1...\(maxLength), got \(events)")
    }
    if let length, !(1...maxLength).contains(length) {
      throw .invalidOption(name: "length", reason: "must be in 1...\(maxLength), got \(length)")
    }
    if events != nil, seconds != nil { throw .invalidArgument("give `seconds` or `events`, not both") }
    guard midiFormat == 0 || midiFormat == 1 else {
      throw .invalidOption(name: "midiFormat", reason: "must be 0 or 1, got \(midiFormat)")
    }
    if soundfont != nil, render == nil { throw .invalidArgument("`soundfont` applies to `render` only") }
    if let pianoRoll, URL(fileURLWithPath: pianoRoll).pathExtension.lowercased() != "svg" {
      throw .invalidOption(name: "pianoRoll", reason: "writes SVG; give a file ending in .svg, got \(pianoRoll)")
    }
    if let render, !["wav", "flac", "ogg"].contains(URL(fileURLWithPath: render).pathExtension.lowercased()) {
      throw .invalidOption(name: "render", reason: "writes .wav, .flac or .ogg; got \(render)")
    }
  }
}
