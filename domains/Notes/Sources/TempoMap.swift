/// Converts ticks to seconds through every tempo change of a file (or the SMPTE rate).
///
/// Seconds are computed per tempo segment from the segment's start, so rounding does not
/// accumulate over a long piece.
public struct TempoMap: Sendable {
  /// MIDI's default tempo when a file sets none: 120 beats per minute.
  public static let defaultMicrosecondsPerQuarter = 500_000

  let division: MIDIFile.Division
  /// Segment starts: tick, seconds at that tick, seconds per tick from there on.
  private var segments: [(tick: Int, seconds: Double, secondsPerTick: Double)] = []

  /// - Parameter changes: (tick, µs per quarter note) in any order; the last change at a tick wins.
  public init(division: MIDIFile.Division, changes: [(tick: Int, microsecondsPerQuarter: Int)]) {
    self.division = division
    switch division {
    case .smpte(let fps, let ticksPerFrame):
      let framesPerSecond = fps == 29 ? 30_000.0 / 1001 : Double(fps)
      segments = [(0, 0, 1 / (framesPerSecond * Double(ticksPerFrame)))]
    case .ticksPerQuarter(let ppq):
      let perTick = { (tempo: Int) in Double(tempo) / 1e6 / Double(ppq) }
      segments = [(0, 0, perTick(Self.defaultMicrosecondsPerQuarter))]
      let sorted = changes.enumerated().sorted { ($0.element.tick, $0.offset) < ($1.element.tick, $1.offset) }.map(
        \.element)
      for change in sorted {
        let last = segments[segments.count - 1]
        let seconds = last.seconds + Double(change.tick - last.tick) * last.secondsPerTick
        if last.tick == change.tick { segments.removeLast() }
        segments.append((change.tick, seconds, perTick(change.microsecondsPerQuarter)))
      }
    }
  }

  /// Seconds from the start of the file at `tick` (≥ 0).
  public func seconds(atTick tick: Int) -> Double {
    // Binary search for the last segment starting at or before tick.
    var lo = 0
    var hi = segments.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if segments[mid].tick <= tick { lo = mid } else { hi = mid - 1 }
    }
    let s = segments[lo]
    return s.seconds + Double(tick - s.tick) * s.secondsPerTick
  }
}
