/// A sounding note with absolute times in seconds: what a MIDI file means once its ticks,
/// tempo map, running status and pedal have been interpreted.
public struct Note: Hashable, Sendable {
  /// MIDI key number, 0–127.
  public var pitch: Int
  /// MIDI velocity, 1–127.
  public var velocity: Int
  /// Onset, seconds from the start of the file.
  public var start: Double
  /// Release, seconds from the start of the file (≥ start).
  public var end: Double
  /// MIDI channel 0–15 it was played on (9 is General MIDI's drum channel, "channel 10").
  public var channel: Int

  public init(pitch: Int, velocity: Int, start: Double, end: Double, channel: Int = 0) {
    self.pitch = pitch
    self.velocity = velocity
    self.start = start
    self.end = end
    self.channel = channel
  }

  public var duration: Double { end - start }
}
