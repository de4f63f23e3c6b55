import Foundation
import SeqGenTestSupport
import Testing

@testable import NoteDomain

/// The temporary folders of these tests.
typealias TempDir = TemporaryDirectory

/// Hand-made Standard MIDI Files, byte by byte.
enum SMF {
  static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
  static func be32(_ v: Int) -> [UInt8] {
    [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
  }

  /// The 14-byte header chunk.
  static func header(format: Int = 1, tracks: Int, division: [UInt8] = be16(96)) -> [UInt8] {
    Array("MThd".utf8) + be32(6) + be16(format) + be16(tracks) + division
  }

  /// An MTrk chunk around `body` (which should end with `endOfTrack`).
  static func track(_ body: [UInt8]) -> [UInt8] { Array("MTrk".utf8) + be32(body.count) + body }

  static let endOfTrack: [UInt8] = [0x00, 0xFF, 0x2F, 0x00]

  /// A whole file from track bodies.
  static func file(format: Int = 1, division: [UInt8] = be16(96), _ bodies: [UInt8]...) -> [UInt8] {
    header(format: format, tracks: bodies.count, division: division) + bodies.flatMap(track)
  }

  /// Set tempo (microseconds per quarter note), with delta `delta` (one-byte VLQ).
  static func tempo(_ microseconds: Int, delta: UInt8 = 0) -> [UInt8] {
    [
      delta, 0xFF, 0x51, 0x03, UInt8(microseconds >> 16 & 0xFF), UInt8(microseconds >> 8 & 0xFF),
      UInt8(microseconds & 0xFF),
    ]
  }
}

/// The repository's fixture folders.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
  static let openmsx = root.appendingPathComponent("fixtures/notes/openmsx")
  static let golden = root.appendingPathComponent("fixtures/reference/notes_golden.json")

  static var midiFiles: [URL] {
    get throws { try NoteDomain.files(at: openmsx) }
  }
}

/// A note as (pitch, velocity, start, end, channel), for compact expectations.
func n(_ pitch: Int, _ velocity: Int, _ start: Double, _ end: Double, ch: Int = 0) -> Note {
  Note(pitch: pitch, velocity: velocity, start: start, end: end, channel: ch)
}

/// Notes equal to within `tolerance` seconds.
func same(_ a: [Note], _ b: [Note], tolerance: Double = 1e-9) -> Bool {
  a.count == b.count
    && zip(a, b).allSatisfy {
      $0.pitch == $1.pitch && $0.velocity == $1.velocity && $0.channel == $1.channel
        && abs($0.start - $1.start) <= tolerance
        && abs($0.end - $1.end) <= tolerance
    }
}
