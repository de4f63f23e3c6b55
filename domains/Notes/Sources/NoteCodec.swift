/// What a notes run must remember to read primes and write music the way it was trained:
/// the event vocabulary, how MIDI files were interpreted, and the step generation starts from;
/// and, for a resumed run, how training varied the data.
public struct NoteCodec: Codable, Sendable, Equatable {
  public var encoding: PerformanceEncoding
  /// Whether the drum channel (channel 10) was kept.
  public var keepDrums: Bool
  /// Whether the sustain pedal (CC64) lengthened notes.
  public var sustain: Bool
  /// The most common first event of the training files: the default prime.
  public var startEvent: NoteEvent
  /// The transposition and time stretch drawn afresh each epoch (nil: none). Training only.
  public var augmentation: NoteAugmentation?
  /// Whether the model reads `NoteControls` beside every event (false in runs saved before
  /// controls existed).
  public var controls: Bool
  /// How long the training music holds a note at most, in seconds (the 99.9th percentile of its
  /// note lengths, at most `PerformanceEncoding.maxGeneratedNoteSeconds`); nil in runs saved
  /// before it was measured. A generated note is closed when it has sounded this long: a model
  /// that forgets a NOTE_OFF then leaves a chorale's key stuck for 2.4 s, not Magenta's 5 s.
  public var longestNote: Double?

  public init(
    encoding: PerformanceEncoding, keepDrums: Bool, sustain: Bool, startEvent: NoteEvent,
    augmentation: NoteAugmentation? = nil, controls: Bool = false, longestNote: Double? = nil
  ) {
    self.encoding = encoding
    self.keepDrums = keepDrums
    self.sustain = sustain
    self.startEvent = startEvent
    self.augmentation = augmentation
    self.controls = controls
    self.longestNote = longestNote
  }

  /// How long a generated note may sound before it is closed.
  public var maxGeneratedNoteSeconds: Double { longestNote ?? PerformanceEncoding.maxGeneratedNoteSeconds }

  enum CodingKeys: String, CodingKey {
    case encoding, keepDrums, sustain, startClass, augmentation, controls, longestNote
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    encoding = try c.decode(PerformanceEncoding.self, forKey: .encoding)
    do { try encoding.validate() } catch {
      throw DecodingError.dataCorruptedError(forKey: .encoding, in: c, debugDescription: error.description)
    }
    keepDrums = try c.decode(Bool.self, forKey: .keepDrums)
    sustain = try c.decode(Bool.self, forKey: .sustain)
    let start = try c.decode(Int.self, forKey: .startClass)
    guard (0..<encoding.classes).contains(start) else {
      throw DecodingError.dataCorruptedError(
        forKey: .startClass, in: c, debugDescription: "start class \(start) outside 0..<\(encoding.classes)")
    }
    startEvent = encoding.event(at: start)
    augmentation = try c.decodeIfPresent(NoteAugmentation.self, forKey: .augmentation)
    do { try augmentation?.validate() } catch {
      throw DecodingError.dataCorruptedError(forKey: .augmentation, in: c, debugDescription: error.description)
    }
    controls = try c.decodeIfPresent(Bool.self, forKey: .controls) ?? false
    longestNote = try c.decodeIfPresent(Double.self, forKey: .longestNote)
    if let longestNote, !(longestNote > 0 && longestNote <= PerformanceEncoding.maxGeneratedNoteSeconds) {
      throw DecodingError.dataCorruptedError(
        forKey: .longestNote, in: c,
        debugDescription: "longest note \(longestNote) s outside (0, \(PerformanceEncoding.maxGeneratedNoteSeconds)]")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(encoding, forKey: .encoding)
    try c.encode(keepDrums, forKey: .keepDrums)
    try c.encode(sustain, forKey: .sustain)
    try c.encode(try encoding.index(of: startEvent), forKey: .startClass)
    try c.encodeIfPresent(augmentation, forKey: .augmentation)
    try c.encode(controls, forKey: .controls)
    try c.encodeIfPresent(longestNote, forKey: .longestNote)
  }
}
