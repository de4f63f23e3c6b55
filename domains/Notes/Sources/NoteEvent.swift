/// One step of a performance, as in Magenta's Performance RNN: a key pressed or released, the
/// clock moved forward, or the loudness of the following key presses changed.
///
/// Time exists only through `timeShift`, so chords are note-ons with no shift between them and
/// expressive timing is kept to the codec's grid (10 ms by default) instead of a score's beats.
public enum NoteEvent: Hashable, Sendable, CustomStringConvertible {
  /// Start sounding `pitch` (0–127) at the current velocity.
  case noteOn(pitch: Int)
  /// Stop sounding `pitch`.
  case noteOff(pitch: Int)
  /// Move the clock forward by `steps` grid steps (1…maxShiftSteps).
  case timeShift(steps: Int)
  /// Following note-ons use velocity bin `bin` (1…velocityBins, Magenta's numbering).
  case velocity(bin: Int)

  public var description: String {
    switch self {
    case .noteOn(let p): "NOTE_ON(\(p))"
    case .noteOff(let p): "NOTE_OFF(\(p))"
    case .timeShift(let s): "TIME_SHIFT(\(s))"
    case .velocity(let b): "VELOCITY(\(b))"
    }
  }
}
