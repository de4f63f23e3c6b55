import Foundation
import SeqGenEngine

/// What a notes model can be told to play (Performance RNN's controls, and more): note density,
/// the pitch-class histogram (a key), dynamics and the number of voices, each measured over the
/// window of music that begins at every event, so a control says what comes next; and the chord
/// (Improv RNN's), recognised over the next half second (a beat at 120 bpm).
///
/// A control row holds five groups, each led by a flag that says whether the control is given:
///
///     density   [flag, log2(1 + notes/s) / 4, one-hot of 6 bins: <1, 1–2, 2–4, 4–8, 8–16, ≥16]
///     pitch     [flag, 12 weights summing to 1 (0 where no note starts)]
///     dynamics  [flag, mean velocity / 127]
///     voices    [flag, mean notes sounding / 8]
///     chord     [flag, root one-hot (12), chord pitch classes (12)]; all 0 but the flag: no chord
///
/// Training leaves each group out (flag and values 0) at random per stretch of music, so the
/// model plays with any control free, and generation leaves out those the user does not ask for.
public enum NoteControls {
  /// Seconds of music each control measures, from the event it rides on (Performance RNN's).
  public static let windowSeconds = 3.0
  /// Seconds of music over which a left-out control stays out during training.
  static let dropSeconds = 4.0
  /// Upper edges of the density bins, notes per second.
  static let densityEdges = [1.0, 2, 4, 8, 16]

  enum Group: Int, CaseIterable {
    case density, pitch, dynamics, voices, chord
    var offset: Int { [0, 8, 21, 23, 25][rawValue] }
    var width: Int { [8, 13, 2, 2, 25][rawValue] }
  }

  public static let width = 50
  /// Seconds of music a chord is recognised over.
  public static let chordSeconds = 0.5

  /// What one window of music measures.
  struct Measure: Equatable {
    var density: Double
    var pitchClasses: [Double]
    var velocity: Double
    var voices: Double
    /// nil: no chord (nothing sounds).
    var chord: Chord?
  }

  /// The row for the given measures; nil leaves a group out (`chord`: .some(nil) is no chord).
  static func row(
    density: Double?, pitchClasses: [Double]?, velocity: Double?, voices: Double?, chord: Chord?? = .none
  ) -> [Float] {
    var row = [Float](repeating: 0, count: width)
    if let density {
      row[0] = 1
      row[1] = Float(log2(1 + density) / 4)
      row[2 + (densityEdges.firstIndex { density < $0 } ?? densityEdges.count)] = 1
    }
    if let pitchClasses {
      row[8] = 1
      let total = pitchClasses.reduce(0, +)
      for k in 0..<12 where total > 0 { row[9 + k] = Float(pitchClasses[k] / total) }
    }
    if let velocity {
      row[21] = 1
      row[22] = Float(velocity / 127)
    }
    if let voices {
      row[23] = 1
      row[24] = Float(voices / 8)
    }
    if case .some(let chord) = chord {
      row[25] = 1
      if let chord {
        row[26 + chord.root] = 1
        for pc in chord.pitchClasses { row[38 + pc] = 1 }
      }
    }
    return row
  }

  /// The measures of the window that begins at each event (one per event).
  static func measures(of events: [NoteEvent], encoding: PerformanceEncoding) -> [Measure] {
    let window = Int((windowSeconds * Double(encoding.stepsPerSecond)).rounded())
    // Each event's time, the onsets (time, pitch, velocity) and the sounding count after each time.
    var times: [Int] = []
    times.reserveCapacity(events.count)
    var onsets: [(time: Int, pitch: Int, velocity: Int)] = []
    var now = 0
    var velocity = 64
    for e in events {
      times.append(now)
      switch e {
      case .timeShift(let s): now += s
      case .velocity(let b): velocity = encoding.velocity(ofBin: b)
      case .noteOn(let p): onsets.append((now, p, velocity))
      case .noteOff: break
      }
    }
    // Time-weighted sounding notes: the integral of the count over [0, t), from the decoded notes.
    let notes = encoding.decode(events, maxNoteSeconds: nil)
    let perStep = Double(encoding.stepsPerSecond)
    var changes: [(time: Int, delta: Int)] = []
    for n in notes {
      changes.append((Int((n.start * perStep).rounded()), 1))
      changes.append((Int((n.end * perStep).rounded()), -1))
    }
    changes.sort { $0.time < $1.time }
    /// Integral of the sounding count over [0, t), with a cursor that only moves forward.
    struct Integral {
      var changes: [(time: Int, delta: Int)]
      var next = 0
      var time = 0
      var count = 0
      var area = 0.0
      mutating func at(_ t: Int) -> Double {
        precondition(t >= time)
        while next < changes.count, changes[next].time <= t {
          area += Double(count) * Double(changes[next].time - time)
          time = changes[next].time
          count += changes[next].delta
          next += 1
        }
        area += Double(count) * Double(t - time)
        time = t
        return area
      }
    }
    var start = Integral(changes: changes)
    var end = Integral(changes: changes)
    // The same for each pitch class, over the chord's window.
    var classChanges = Array(repeating: [(time: Int, delta: Int)](), count: 12)
    for n in notes {
      classChanges[n.pitch % 12].append((Int((n.start * perStep).rounded()), 1))
      classChanges[n.pitch % 12].append((Int((n.end * perStep).rounded()), -1))
    }
    var classStart = classChanges.map { Integral(changes: $0.sorted { $0.time < $1.time }) }
    var classEnd = classStart
    let chordWindow = max(1, Int((chordSeconds * perStep).rounded()))
    var first = 0
    var last = 0
    var classes = [Double](repeating: 0, count: 12)
    var velocities = 0.0
    var result: [Measure] = []
    result.reserveCapacity(events.count)
    for t in times {
      while last < onsets.count, onsets[last].time < t + window {
        classes[onsets[last].pitch % 12] += 1
        velocities += Double(onsets[last].velocity)
        last += 1
      }
      while first < last, onsets[first].time < t {
        classes[onsets[first].pitch % 12] -= 1
        velocities -= Double(onsets[first].velocity)
        first += 1
      }
      let n = Double(last - first)
      let sounding = (end.at(t + window) - start.at(t)) / Double(window)
      let weights = (0..<12).map { classEnd[$0].at(t + chordWindow) - classStart[$0].at(t) }
      result.append(
        Measure(
          density: n / windowSeconds, pitchClasses: classes, velocity: n > 0 ? velocities / n : 0, voices: sounding,
          chord: Chord.recognise(weights)))
    }
    return result
  }

  /// The control rows of an event sequence, each group left out where `seed` draws so (half of
  /// the time, per `dropSeconds` of music, each group on its own).
  static func rows(of events: [NoteEvent], encoding: PerformanceEncoding, leavingOut seed: UInt64?) -> [Float] {
    let stretch = Int(dropSeconds * Double(encoding.stepsPerSecond))
    var rows: [Float] = []
    rows.reserveCapacity(events.count * width)
    var now = 0
    var stretchIndex = -1
    var kept = [Bool](repeating: true, count: Group.allCases.count)
    for (e, m) in zip(events, measures(of: events, encoding: encoding)) {
      if let seed, now / stretch != stretchIndex {
        stretchIndex = now / stretch
        var g = SeededGenerator(seed: seed ^ (UInt64(stretchIndex) &* 0x9E37_79B9_7F4A_7C15))
        for k in kept.indices { kept[k] = g.next() & 1 == 0 }
      }
      rows += row(
        density: kept[0] ? m.density : nil, pitchClasses: kept[1] ? m.pitchClasses : nil,
        velocity: kept[2] ? m.velocity : nil, voices: kept[3] ? m.voices : nil, chord: kept[4] ? .some(m.chord) : .none)
      if case .timeShift(let s) = e { now += s }
    }
    return rows
  }
}

/// The controls a user asks generation for; any left out is free.
public struct NoteControlRequest: Sendable, Equatable {
  /// Notes per second over time: (value, at seconds) points, linear between them, held before
  /// the first and after the last.
  public var density: [(value: Double, seconds: Double)]?
  /// Weights of the 12 pitch classes (C first).
  public var pitchClasses: [Double]?
  /// Mean MIDI velocity, 1–127.
  public var velocity: Double?
  /// Mean notes sounding at once.
  public var voices: Double?
  /// Chords in turn, each for `secondsPerChord`, repeating.
  public var chords: [Chord]?
  public var secondsPerChord = 2.0

  public init(
    density: [(value: Double, seconds: Double)]? = nil, pitchClasses: [Double]? = nil, velocity: Double? = nil,
    voices: Double? = nil, chords: [Chord]? = nil, secondsPerChord: Double = 2
  ) {
    self.density = density
    self.pitchClasses = pitchClasses
    self.velocity = velocity
    self.voices = voices
    self.chords = chords
    self.secondsPerChord = secondsPerChord
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.density?.map(\.value) == b.density?.map(\.value) && a.density?.map(\.seconds) == b.density?.map(\.seconds)
      && a.pitchClasses == b.pitchClasses && a.velocity == b.velocity && a.voices == b.voices && a.chords == b.chords
      && a.secondsPerChord == b.secondsPerChord
  }

  public var isEmpty: Bool {
    density == nil && pitchClasses == nil && velocity == nil && voices == nil && chords == nil
  }

  /// The chord in force at `seconds` into the piece.
  public func chord(at seconds: Double) -> Chord? {
    guard let chords, !chords.isEmpty else { return nil }
    return chords[Int((seconds / secondsPerChord).rounded(.down)) % chords.count]
  }

  /// The requested density at `seconds` into the piece.
  public func density(at seconds: Double) -> Double? {
    guard let density, let first = density.first else { return nil }
    guard seconds > first.seconds else { return first.value }
    for (a, b) in zip(density, density.dropFirst()) where seconds <= b.seconds {
      return a.value + (b.value - a.value) * (seconds - a.seconds) / (b.seconds - a.seconds)
    }
    return density.last!.value
  }

  /// The control row at `seconds` into the piece.
  public func row(at seconds: Double) -> [Float] {
    NoteControls.row(
      density: density(at: seconds), pitchClasses: pitchClasses, velocity: velocity, voices: voices,
      chord: chords == nil ? .none : .some(chord(at: seconds)))
  }

  // MARK: Parsing

  /// "4" or "2@0s,6@20s": a density, or points of a schedule in time order.
  public static func parseDensity(_ text: String) throws(EngineError) -> [(value: Double, seconds: Double)] {
    var points: [(value: Double, seconds: Double)] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let fields = part.trimmingCharacters(in: .whitespaces).split(separator: "@", omittingEmptySubsequences: false)
      let time = fields.count == 2 ? String(fields[1].hasSuffix("s") ? fields[1].dropLast() : fields[1]) : "0"
      guard fields.count <= 2, let value = Double(fields[0]), let seconds = Double(time) else {
        throw .invalidOption(
          name: "density", reason: "reads notes per second, as 4 or 2@0s,6@20s (value@time, in time order); got \(part)"
        )
      }
      guard value > 0, value <= 50 else {
        throw .invalidOption(name: "density", reason: "must be in (0, 50] notes per second, got \(Setting.show(value))")
      }
      guard seconds >= 0, seconds <= NoteGenerationOptions.maxSeconds else {
        throw .invalidOption(name: "density", reason: "times must be in 0...3600 s, got \(Setting.show(seconds))")
      }
      if let last = points.last, seconds <= last.seconds {
        throw .invalidOption(
          name: "density",
          reason: "times must increase: \(Setting.show(seconds)) s follows \(Setting.show(last.seconds)) s")
      }
      points.append((value, seconds))
    }
    return points
  }

  static let noteNames: [String: Int] = [
    "c": 0, "c#": 1, "db": 1, "d": 2, "d#": 3, "eb": 3, "e": 4, "f": 5, "f#": 6, "gb": 6, "g": 7, "g#": 8,
    "ab": 8, "a": 9, "a#": 10, "bb": 10, "b": 11, "cb": 11, "e#": 5, "fb": 4, "b#": 0,
  ]

  /// "D minor", "F# major", "Bb minor": the scale's pitch classes (natural minor).
  public static func parseKey(_ text: String) throws(EngineError) -> [Double] {
    let words = text.lowercased().split(separator: " ")
    guard words.count == 2, let tonic = noteNames[String(words[0])], ["major", "minor"].contains(words[1]) else {
      throw .invalidOption(
        name: "key", reason: "reads a tonic and a mode, as \"D minor\" or \"F# major\"; got \(text.debugDescription)")
    }
    let steps = words[1] == "major" ? [0, 2, 4, 5, 7, 9, 11] : [0, 2, 3, 5, 7, 8, 10]
    var weights = [Double](repeating: 0, count: 12)
    for s in steps { weights[(tonic + s) % 12] = 1 }
    return weights
  }

  /// "1,0,1,0,1,1,0,1,0,1,0,1": 12 non-negative weights, C first, not all zero.
  public static func parsePitchClasses(_ text: String) throws(EngineError) -> [Double] {
    let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard values.count == 12, values.allSatisfy({ $0 != nil && $0! >= 0 && $0!.isFinite }) else {
      throw .invalidOption(
        name: "pitchClasses", reason: "takes 12 non-negative weights, C first, separated by commas; got \(values.count)"
      )
    }
    guard values.contains(where: { $0! > 0 }) else {
      throw .invalidOption(name: "pitchClasses", reason: "are all zero; give at least one pitch class a weight")
    }
    return values.map { $0! }
  }

  /// "Am F C G" (or commas between): the chords in turn.
  public static func parseChords(_ text: String) throws(EngineError) -> [Chord] {
    let names = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "|" })
    guard !names.isEmpty, names.count <= 1000 else {
      throw .invalidOption(name: "chords", reason: "takes 1 to 1000 chord names, as \"Am F C G\"")
    }
    var chords: [Chord] = []
    for name in names { chords.append(try Chord(parsing: String(name))) }
    return chords
  }

  /// "soft", "medium", "loud" or a MIDI velocity 1–127.
  public static func parseDynamics(_ text: String) throws(EngineError) -> Double {
    switch text.lowercased() {
    case "soft": return 40
    case "medium": return 70
    case "loud": return 100
    default:
      guard let v = Double(text), v >= 1, v <= 127 else {
        throw .invalidOption(name: "dynamics", reason: "is soft, medium, loud or a velocity in 1...127; got \(text)")
      }
      return v
    }
  }
}

/// A chord: a root pitch class and a quality, as a lead sheet names it ("Am", "F", "C7").
public struct Chord: Sendable, Equatable {
  public enum Quality: String, CaseIterable, Sendable {
    case major = ""
    case minor = "m"
    case dominant7 = "7"
    case major7 = "maj7"
    case minor7 = "m7"
    case diminished = "dim"
    case augmented = "aug"
    /// Semitones above the root.
    var intervals: [Int] {
      switch self {
      case .major: [0, 4, 7]
      case .minor: [0, 3, 7]
      case .dominant7: [0, 4, 7, 10]
      case .major7: [0, 4, 7, 11]
      case .minor7: [0, 3, 7, 10]
      case .diminished: [0, 3, 6]
      case .augmented: [0, 4, 8]
      }
    }
  }

  public var root: Int
  public var quality: Quality

  public var pitchClasses: Set<Int> { Set(quality.intervals.map { (root + $0) % 12 }) }

  /// The chord that best explains pitch-class weights (time each class sounds): the most weight
  /// on its tones less the weight off them, a slight cost per tone so a triad beats the seventh
  /// chord over it when the seventh is absent; nil when nothing sounds.
  static func recognise(_ weights: [Double]) -> Chord? {
    let total = weights.reduce(0, +)
    guard total > 0 else { return nil }
    var best: (score: Double, chord: Chord)?
    for quality in Quality.allCases {
      for root in 0..<12 {
        let chord = Chord(root: root, quality: quality)
        let tones = chord.pitchClasses
        var score = -0.05 * Double(tones.count) * total
        for pc in 0..<12 { score += tones.contains(pc) ? weights[pc] : -weights[pc] }
        if best == nil || score > best!.score + 1e-9 { best = (score, chord) }
      }
    }
    return best?.chord
  }

  /// "Am", "F#", "Bb7", "Cmaj7", "Em7", "Bdim", "Caug" (also "min", "M7", "min7", "°", "+").
  public init(parsing text: String) throws(EngineError) {
    let t = text.trimmingCharacters(in: .whitespaces)
    guard let first = t.first, let letter = NoteControlRequest.noteNames[String(first).lowercased()] else {
      throw .invalidOption(
        name: "chords", reason: "\(text.debugDescription) is not a chord (as Am, F, C7, Bbmaj7, F#m7, Bdim)")
    }
    var rest = t.dropFirst()
    var root = letter
    if rest.first == "#" || rest.first == "♯" {
      root += 1
      rest = rest.dropFirst()
    } else if rest.first == "b" || rest.first == "♭" {
      root += 11
      rest = rest.dropFirst()
    }
    let aliases: [String: Quality] = ["min": .minor, "M7": .major7, "min7": .minor7, "°": .diminished, "+": .augmented]
    guard let quality = Quality(rawValue: String(rest)) ?? aliases[String(rest)] else {
      throw .invalidOption(
        name: "chords",
        reason: "\(text.debugDescription) is not a chord I know (root, then nothing, m, 7, maj7, m7, dim or aug)")
    }
    self.init(root: root % 12, quality: quality)
  }

  public init(root: Int, quality: Quality) {
    self.root = root
    self.quality = quality
  }
}
