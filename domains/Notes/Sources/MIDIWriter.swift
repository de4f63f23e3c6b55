import Foundation
import SeqGenEngine

/// Writes notes as a Standard MIDI File that any player, DAW or MIDI library opens.
///
/// The tempo and ticks per quarter note are chosen so that one tick is exactly one grid step
/// (120 BPM with `stepsPerSecond / 2` ticks per quarter when that is whole, else 60 BPM with
/// `stepsPerSecond`), so grid times survive the file exactly. Format 1 puts a conductor track
/// (name = the generation settings, tempo, 4/4, markers) before one piano track on channel 1;
/// format 0 puts everything in one track. At each tick releases come before onsets, so a key
/// released and struck again on the same tick reads back as two notes.
public struct MIDIWriter: Sendable, Equatable {
  /// 0 or 1.
  public var format: Int
  /// Grid steps per second; one tick is one step.
  public var stepsPerSecond: Int
  /// Name of the first track: what produced the file (model, seed, sampling settings).
  public var settings: String
  /// General MIDI program of the notes' channel (0 = Acoustic Grand Piano).
  public var program: Int

  public init(format: Int = 1, stepsPerSecond: Int = 100, settings: String = "seqgen notes", program: Int = 0) {
    self.format = format
    self.stepsPerSecond = stepsPerSecond
    self.settings = settings
    self.program = program
  }

  /// (ticks per quarter note, microseconds per quarter note).
  public var timing: (ticksPerQuarter: Int, microsecondsPerQuarter: Int) {
    stepsPerSecond % 2 == 0 ? (stepsPerSecond / 2, 500_000) : (stepsPerSecond, 1_000_000)
  }

  /// The file's bytes.
  ///
  /// - Parameter markers: marker meta events (seconds, text), e.g. where each sample starts.
  /// - Throws: `NoteError.notRepresentable` for a piece too long for a MIDI delta time.
  public func data(_ notes: [Note], markers: [(seconds: Double, text: String)] = []) throws(NoteError) -> [UInt8] {
    precondition(format == 0 || format == 1, "MIDI format must be 0 or 1")
    let (ppq, tempo) = timing
    func tick(_ seconds: Double) -> Int { max(0, Int((seconds * Double(stepsPerSecond)).rounded())) }

    // (tick, rank, bytes): rank orders events at one tick — meta first, then releases, then onsets.
    var conductor: [(Int, Int, [UInt8])] = [
      (0, 0, meta(0x03, Array(settings.utf8))),
      (0, 0, meta(0x51, [UInt8(tempo >> 16), UInt8(tempo >> 8 & 0xFF), UInt8(tempo & 0xFF)])),
      (0, 0, meta(0x58, [4, 2, 24, 8])),
    ]
    for m in markers { conductor.append((tick(m.seconds), 0, meta(0x06, Array(m.text.utf8)))) }
    var music: [(Int, Int, [UInt8])] = [
      (0, 0, meta(0x03, Array("Piano".utf8))),
      (0, 0, [0xC0, UInt8(min(max(program, 0), 127))]),
    ]
    for n in notes where (0...127).contains(n.pitch) {
      let on = tick(n.start)
      let off = max(tick(n.end), on + 1)
      music.append((on, 2, [0x90, UInt8(n.pitch), UInt8(min(max(n.velocity, 1), 127))]))
      music.append((off, 1, [0x80, UInt8(n.pitch), 64]))
    }
    let tracks = format == 0 ? [conductor + music] : [conductor, music]
    var bytes: [UInt8] = Array("MThd".utf8) + be32(6) + be16(format) + be16(tracks.count) + be16(ppq)
    for track in tracks { bytes += Array("MTrk".utf8) + (try trackBody(track)).withLength() }
    return bytes
  }

  /// Writes the file atomically.
  public func write(_ notes: [Note], markers: [(seconds: Double, text: String)] = [], to url: URL) throws {
    try AtomicFile.write(Data(try data(notes, markers: markers)), to: url)
  }

  /// Sorted events with delta times, ending with end-of-track at the last event's tick.
  private func trackBody(_ events: [(Int, Int, [UInt8])]) throws(NoteError) -> [UInt8] {
    let sorted = events.enumerated().sorted {
      ($0.element.0, $0.element.1, $0.offset) < ($1.element.0, $1.element.1, $1.offset)
    }
    var body: [UInt8] = []
    var now = 0
    for (_, (tick, _, message)) in sorted {
      guard tick - now <= 0x0FFF_FFFF else {
        throw .notRepresentable(
          "a gap of \(tick - now) ticks is too long for a MIDI file (the limit is \(0x0FFF_FFFF))")
      }
      body += vlq(tick - now) + message
      now = tick
    }
    body += [0x00, 0xFF, 0x2F, 0x00]
    return body
  }

  private func meta(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] { [0xFF, type] + vlq(payload.count) + payload }
}

/// A variable-length quantity, 7 bits per byte, most significant first (value < 2²⁸).
func vlq(_ value: Int) -> [UInt8] {
  precondition(value >= 0 && value <= 0x0FFF_FFFF, "VLQ out of range")
  var bytes = [UInt8(value & 0x7F)]
  var v = value >> 7
  while v > 0 {
    bytes.insert(UInt8(v & 0x7F) | 0x80, at: 0)
    v >>= 7
  }
  return bytes
}

private func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
private func be32(_ v: Int) -> [UInt8] {
  [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
}

extension Array where Element == UInt8 {
  /// The bytes preceded by their 32-bit big-endian length, as a chunk body.
  fileprivate func withLength() -> [UInt8] { be32(count) + self }
}
