/// Magenta Performance RNN's event vocabulary and the conversion between notes and events.
///
/// Classes, in order: NOTE_ON(0…127), NOTE_OFF(0…127), TIME_SHIFT(1…maxShiftSteps grid steps),
/// VELOCITY(1…velocityBins). The default — 100 steps per second, shifts up to 1 s, 32 velocity
/// bins — gives Performance RNN's 388 classes. Saved in the checkpoint as part of the codec.
public struct PerformanceEncoding: Codable, Sendable, Equatable {
  /// Grid steps per second (100 = 10 ms resolution).
  public var stepsPerSecond: Int
  /// Longest single TIME_SHIFT, in grid steps; longer gaps take several.
  public var maxShiftSteps: Int
  /// Number of VELOCITY classes; 0 drops dynamics (every note plays at velocity 64).
  public var velocityBins: Int

  /// Notes longer than this are closed when generated events are decoded (Magenta's rule), so a
  /// model that forgets a NOTE_OFF cannot leave a key stuck for the rest of the piece.
  public static let maxGeneratedNoteSeconds = 5.0
  /// Pieces are refused beyond this length (a day), which bounds the events one file can make.
  public static let maxSeconds = 86_400.0

  public init(stepsPerSecond: Int = 100, maxShiftSteps: Int = 100, velocityBins: Int = 32) {
    self.stepsPerSecond = stepsPerSecond
    self.maxShiftSteps = maxShiftSteps
    self.velocityBins = velocityBins
  }

  /// Checks the settings; the message names the flag.
  public func validate() throws(NoteError) {
    guard (1...1000).contains(stepsPerSecond) else {
      throw .notRepresentable("`stepsPerSecond` must be in 1...1000, got \(stepsPerSecond)")
    }
    guard (1...10_000).contains(maxShiftSteps) else {
      throw .notRepresentable("`maxShiftSteps` must be in 1...10000, got \(maxShiftSteps)")
    }
    guard (0...127).contains(velocityBins) else {
      throw .notRepresentable("`velocityBins` must be in 0...127, got \(velocityBins)")
    }
  }

  public var classes: Int { 256 + maxShiftSteps + velocityBins }

  // MARK: Classes

  /// The class index of an event; throws if these settings cannot carry it.
  public func index(of event: NoteEvent) throws(NoteError) -> Int {
    switch event {
    case .noteOn(let p) where (0...127).contains(p): return p
    case .noteOff(let p) where (0...127).contains(p): return 128 + p
    case .timeShift(let s) where (1...maxShiftSteps).contains(s): return 256 + s - 1
    case .velocity(let b) where (1...max(1, velocityBins)).contains(b) && velocityBins > 0:
      return 256 + maxShiftSteps + b - 1
    default:
      throw .notRepresentable(
        "event \(event) is outside this model's vocabulary (\(maxShiftSteps) time shifts, \(velocityBins) velocity bins)"
      )
    }
  }

  /// The event of class `index` (0..<classes).
  public func event(at index: Int) -> NoteEvent {
    precondition(index >= 0 && index < classes, "class \(index) outside 0..<\(classes)")
    switch index {
    case 0..<128: return .noteOn(pitch: index)
    case 128..<256: return .noteOff(pitch: index - 128)
    case 256..<(256 + maxShiftSteps): return .timeShift(steps: index - 255)
    default: return .velocity(bin: index - 256 - maxShiftSteps + 1)
    }
  }

  // MARK: Velocity

  /// Width of a velocity bin in MIDI units (Magenta: ⌈127 / bins⌉).
  var binSize: Int { velocityBins == 0 ? 127 : (127 + velocityBins - 1) / velocityBins }

  /// The bin (1…velocityBins) of a MIDI velocity 1…127.
  public func bin(ofVelocity v: Int) -> Int { (min(max(v, 1), 127) - 1) / binSize + 1 }

  /// The MIDI velocity a bin plays at: the middle of the bin (Magenta takes its lower edge;
  /// the middle is less biased and still maps back to the same bin).
  public func velocity(ofBin b: Int) -> Int { velocityBins == 0 ? 64 : min(127, 1 + (b - 1) * binSize + binSize / 2) }

  // MARK: Notes ↔ events

  /// The grid step nearest to `seconds`.
  func step(_ seconds: Double) -> Int { Int((seconds * Double(stepsPerSecond)).rounded()) }

  /// Notes on the grid, as the event stream will carry them: onsets and releases rounded to the
  /// nearest step, at least one step long, leading silence removed, and at most one note per
  /// pitch sounding at a time (all channels merge into one instrument). Where notes of one pitch
  /// overlap, the earlier one ends where the later starts; notes of one pitch starting on the
  /// same step become one, with the longer release and the louder velocity.
  /// - Returns: (pitch, velocity, start step, end step), sorted by start, then pitch.
  public func quantize(_ notes: [Note]) -> [(pitch: Int, velocity: Int, start: Int, end: Int)] {
    guard let first = notes.map(\.start).min() else { return [] }
    let origin = step(first)
    var byPitch = Array(repeating: [(velocity: Int, start: Int, end: Int)](), count: 128)
    for n in notes where (0...127).contains(n.pitch) {
      let s = step(n.start) - origin
      byPitch[n.pitch].append((n.velocity, s, max(step(n.end) - origin, s + 1)))
    }
    var result: [(pitch: Int, velocity: Int, start: Int, end: Int)] = []
    for pitch in 0..<128 where !byPitch[pitch].isEmpty {
      let sorted = byPitch[pitch].sorted { ($0.start, -$0.end, -$0.velocity) < ($1.start, -$1.end, -$1.velocity) }
      var kept: [(velocity: Int, start: Int, end: Int)] = []
      for n in sorted {
        if let last = kept.last, last.start == n.start {
          kept[kept.count - 1].end = max(last.end, n.end)
          kept[kept.count - 1].velocity = max(last.velocity, n.velocity)
        } else {
          if let last = kept.last, n.start < last.end { kept[kept.count - 1].end = n.start }
          kept.append(n)
        }
      }
      result += kept.map { (pitch, $0.velocity, $0.start, $0.end) }
    }
    result.sort { ($0.start, $0.pitch) < ($1.start, $1.pitch) }
    return result
  }

  /// The event stream of some notes (see `quantize` for how they are put on the grid).
  ///
  /// At each step releases come before onsets, each group by pitch; a VELOCITY event precedes a
  /// note-on only when its bin differs from the last one; gaps longer than `maxShiftSteps` take
  /// several TIME_SHIFTs.
  public func encode(_ notes: [Note]) -> [NoteEvent] {
    var marks: [(step: Int, on: Bool, pitch: Int, velocity: Int)] = []
    for n in quantize(notes) {
      marks.append((n.start, true, n.pitch, n.velocity))
      marks.append((n.end, false, n.pitch, 0))
    }
    marks.sort { ($0.step, $0.on ? 1 : 0, $0.pitch) < ($1.step, $1.on ? 1 : 0, $1.pitch) }
    var events: [NoteEvent] = []
    var now = 0
    var currentBin: Int?
    for m in marks {
      var gap = m.step - now
      while gap > 0 {
        let s = min(gap, maxShiftSteps)
        events.append(.timeShift(steps: s))
        gap -= s
      }
      now = m.step
      if m.on {
        let b = bin(ofVelocity: m.velocity)
        if velocityBins > 0 && b != currentBin {
          events.append(.velocity(bin: b))
          currentBin = b
        }
        events.append(.noteOn(pitch: m.pitch))
      } else {
        events.append(.noteOff(pitch: m.pitch))
      }
    }
    return events
  }

  /// The notes an event stream plays, repairing what a model can emit.
  ///
  /// A NOTE_OFF with no sounding note is ignored; a NOTE_ON of a sounding pitch re-strikes it
  /// (the earlier note ends there); notes of zero length are dropped; notes still sounding at
  /// the end close there; with `maxNoteSeconds`, a note sounding that long is closed.
  /// Velocity starts at 64 until the first VELOCITY event.
  public func decode(_ events: [NoteEvent], maxNoteSeconds: Double? = PerformanceEncoding.maxGeneratedNoteSeconds)
    -> [Note]
  {
    let limit = maxNoteSeconds.map { max(1, Int(($0 * Double(stepsPerSecond)).rounded())) }
    var now = 0
    var velocity = 64
    var sounding: [Int: (start: Int, velocity: Int)] = [:]
    var notes: [Note] = []
    let perStep = 1 / Double(stepsPerSecond)
    func close(_ pitch: Int, at step: Int) {
      guard let open = sounding.removeValue(forKey: pitch) else { return }
      if step > open.start {
        notes.append(
          Note(pitch: pitch, velocity: open.velocity, start: Double(open.start) * perStep, end: Double(step) * perStep))
      }
    }
    for event in events {
      switch event {
      case .noteOn(let p):
        close(p, at: now)
        sounding[p] = (now, velocity)
      case .noteOff(let p):
        close(p, at: now)
      case .timeShift(let s):
        let next = now + max(0, s)
        if let limit {
          for (p, open) in sounding where open.start + limit <= next { close(p, at: open.start + limit) }
        }
        now = next
      case .velocity(let b):
        velocity = self.velocity(ofBin: b)
      }
    }
    for p in sounding.keys.sorted() { close(p, at: now) }
    notes.sort { ($0.start, $0.pitch) < ($1.start, $1.pitch) }
    return notes
  }

  /// Seconds of music the events span (their time shifts).
  public func seconds(of events: some Sequence<NoteEvent>) -> Double {
    var steps = 0
    for case .timeShift(let s) in events { steps += s }
    return Double(steps) / Double(stepsPerSecond)
  }
}
