import Foundation

/// Reads Standard MIDI Files (formats 0 and 1), written to the MIDI 1.0 SMF specification.
///
/// Every length and count read from the file is checked against the bytes that are really
/// there before anything is allocated or skipped, so a damaged or hostile file ends in a
/// `NoteError` naming the file and byte offset, never in a trap, a huge allocation or a hang.
public enum MIDIReader {
  /// Larger files are refused before they are loaded (real MIDI files are kilobytes).
  public static let maxFileBytes = 64 << 20
  /// Tempos faster than this many microseconds per quarter note (10 000 BPM) are refused as absurd.
  public static let minMicrosecondsPerQuarter = 6_000

  /// Reads and parses the file at `url`.
  public static func read(_ url: URL) throws(NoteError) -> MIDIFile {
    let path = url.path
    let size: Int
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    } catch {
      throw .unreadable(
        path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file or directory")
    }
    guard size <= maxFileBytes else {
      throw .unreadable(path: path, reason: "\(size) bytes is far too large for a MIDI file (limit \(maxFileBytes))")
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .unreadable(path: path, reason: "cannot read: \((error as NSError).localizedDescription)")
    }
    return try parse([UInt8](data), path: path)
  }

  /// Parses the bytes of a Standard MIDI File; `path` only names the file in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws(NoteError) -> MIDIFile {
    var r = ByteCursor(bytes: bytes, end: bytes.count, path: path, within: "file")
    guard bytes.count >= 4, Array(bytes[0..<4]) == Array("MThd".utf8) else {
      let what =
        bytes.count >= 4 && Array(bytes[0..<4]) == Array("RIFF".utf8)
        ? "a RIFF file (RMID is not supported)" : "no MThd header"
      throw .malformed(path: path, offset: 0, reason: "not a Standard MIDI File (\(what))")
    }
    r.offset = 4
    let headerLengthAt = r.offset
    let headerLength = try r.u32()
    guard headerLength >= 6 else {
      throw .malformed(
        path: path, offset: headerLengthAt, reason: "header chunk length \(headerLength) is shorter than 6")
    }
    guard headerLength <= r.remaining else {
      throw .malformed(
        path: path, offset: headerLengthAt,
        reason: "header chunk length \(headerLength) runs past the end of the file (\(r.remaining) bytes left)")
    }
    let headerEnd = r.offset + headerLength
    let formatAt = r.offset
    let format = try r.u16()
    let declaredTracks = try r.u16()
    let divisionAt = r.offset
    let rawDivision = try r.u16()
    r.offset = headerEnd  // A longer header is allowed by the spec; the extra bytes are skipped.
    switch format {
    case 0, 1: break
    case 2:
      throw .unsupported(
        path: path, reason: "MIDI format 2 (independent sequences) is not supported; convert it to format 0 or 1")
    default: throw .malformed(path: path, offset: formatAt, reason: "unknown MIDI format \(format)")
    }

    let division: MIDIFile.Division
    if rawDivision & 0x8000 != 0 {
      let fps = -Int(Int8(bitPattern: UInt8(rawDivision >> 8)))
      let ticksPerFrame = rawDivision & 0xFF
      guard [24, 25, 29, 30].contains(fps) else {
        throw .malformed(
          path: path, offset: divisionAt,
          reason: "SMPTE division with \(fps) frames per second (expected 24, 25, 29 or 30)")
      }
      guard ticksPerFrame > 0 else {
        throw .malformed(path: path, offset: divisionAt, reason: "SMPTE division with 0 ticks per frame")
      }
      division = .smpte(framesPerSecond: fps, ticksPerFrame: ticksPerFrame)
    } else {
      guard rawDivision > 0 else {
        throw .malformed(path: path, offset: divisionAt, reason: "time division of 0 ticks per quarter note")
      }
      division = .ticksPerQuarter(rawDivision)
    }

    var tracks: [[MIDIFile.TimedEvent]] = []
    var trackEnds: [Int] = []
    while r.remaining > 0 {
      let chunkAt = r.offset
      guard r.remaining >= 8 else {
        throw .malformed(path: path, offset: chunkAt, reason: "truncated chunk header (\(r.remaining) of 8 bytes)")
      }
      let type = Array(bytes[r.offset..<(r.offset + 4)])
      r.offset += 4
      let length = try r.u32()
      guard length <= r.remaining else {
        throw .malformed(
          path: path, offset: chunkAt,
          reason: "chunk length \(length) runs past the end of the file (\(r.remaining) bytes left)")
      }
      if type == Array("MTrk".utf8) {
        var track = ByteCursor(bytes: bytes, end: r.offset + length, path: path, within: "track chunk")
        track.offset = r.offset
        let (events, end) = try parseTrack(&track, number: tracks.count + 1, chunkAt: chunkAt)
        tracks.append(events)
        trackEnds.append(end)
      }
      // Unknown chunk types are skipped, as the spec requires.
      r.offset += length
    }
    guard !tracks.isEmpty else {
      throw .malformed(
        path: path, offset: bytes.count,
        reason: "no track chunk (MTrk) in the file (the header declares \(declaredTracks))")
    }
    return MIDIFile(format: format, division: division, tracks: tracks, trackEnds: trackEnds)
  }

  /// Parses the events of one MTrk chunk up to its end-of-track meta event.
  static func parseTrack(_ r: inout ByteCursor, number: Int, chunkAt: Int) throws(NoteError) -> (
    [MIDIFile.TimedEvent], Int
  ) {
    var events: [MIDIFile.TimedEvent] = []
    var tick = 0
    var runningStatus: UInt8?
    // An empty MTrk chunk has nothing to end; some writers emit one for an unused track.
    if r.remaining == 0 { return (events, 0) }
    while r.remaining > 0 {
      tick += try r.vlq()
      let statusAt = r.offset
      var status = try r.u8()
      var firstData: UInt8?
      if status < 0x80 {
        guard let running = runningStatus else {
          throw .malformed(
            path: r.path, offset: statusAt,
            reason: "data byte 0x\(hex(status)) where a status byte was expected (no running status)")
        }
        firstData = status
        status = running
      }
      switch status {
      case 0xFF:
        let typeAt = r.offset
        let type = try r.u8()
        let length = try r.vlq()
        guard length <= r.remaining else {
          throw .malformed(
            path: r.path, offset: typeAt, reason: "meta event length \(length) runs past the end of track \(number)")
        }
        let dataAt = r.offset
        switch type {
        case 0x2F:
          return (events, tick)
        case 0x51:
          guard length == 3 else {
            throw .malformed(
              path: r.path, offset: typeAt, reason: "set-tempo meta event of length \(length) (expected 3)")
          }
          let tempo = Int(r.bytes[dataAt]) << 16 | Int(r.bytes[dataAt + 1]) << 8 | Int(r.bytes[dataAt + 2])
          guard tempo >= MIDIReader.minMicrosecondsPerQuarter else {
            throw .malformed(
              path: r.path, offset: dataAt,
              reason:
                "absurd tempo of \(tempo) microseconds per quarter note (faster than \(60_000_000 / MIDIReader.minMicrosecondsPerQuarter) BPM)"
            )
          }
          events.append(.init(tick: tick, event: .tempo(tempo)))
        default:
          break  // Text, time and key signatures, markers…: not needed.
        }
        r.offset += length
      case 0xF0, 0xF7:
        // SysEx (and escaped) events are skipped whole.
        let length = try r.vlq()
        guard length <= r.remaining else {
          throw .malformed(
            path: r.path, offset: statusAt, reason: "SysEx length \(length) runs past the end of track \(number)")
        }
        r.offset += length
      case 0x80...0xEF:
        runningStatus = status
        let channel = Int(status & 0x0F)
        var a: UInt8
        if let firstData { a = firstData } else { a = try r.dataByte() }
        switch status & 0xF0 {
        case 0xC0, 0xD0:
          break  // Program change, channel pressure: one data byte.
        default:
          let b = try r.dataByte()
          switch status & 0xF0 {
          case 0x90 where b > 0:
            events.append(.init(tick: tick, event: .noteOn(channel: channel, pitch: Int(a), velocity: Int(b))))
          case 0x80, 0x90: events.append(.init(tick: tick, event: .noteOff(channel: channel, pitch: Int(a))))
          case 0xB0:
            events.append(.init(tick: tick, event: .controlChange(channel: channel, controller: Int(a), value: Int(b))))
          default: break  // Key pressure, pitch bend.
          }
        }
      default:
        throw .malformed(
          path: r.path, offset: statusAt, reason: "status byte 0x\(hex(status)) is not allowed in a MIDI file track")
      }
    }
    throw .malformed(path: r.path, offset: chunkAt, reason: "track \(number) has no end-of-track event")
  }

  static func hex(_ b: UInt8) -> String {
    String(b, radix: 16, uppercase: true).count == 1
      ? "0" + String(b, radix: 16, uppercase: true) : String(b, radix: 16, uppercase: true)
  }
}

/// A read position over a byte range that refuses to read past its end.
struct ByteCursor {
  let bytes: [UInt8]
  /// One past the last readable byte (the end of the file or of the current chunk).
  let end: Int
  let path: String
  /// What `end` is the end of, for messages ("file", "track chunk").
  let within: String
  var offset = 0

  init(bytes: [UInt8], end: Int, path: String, within: String) {
    self.bytes = bytes
    self.end = end
    self.path = path
    self.within = within
  }

  var remaining: Int { end - offset }

  mutating func u8() throws(NoteError) -> UInt8 {
    guard offset < end else { throw .malformed(path: path, offset: offset, reason: "unexpected end of \(within)") }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func dataByte() throws(NoteError) -> UInt8 {
    let at = offset
    let b = try u8()
    guard b < 0x80 else {
      throw .malformed(
        path: path, offset: at, reason: "byte 0x\(MIDIReader.hex(b)) where a data byte (< 0x80) was expected")
    }
    return b
  }

  mutating func u16() throws(NoteError) -> Int { Int(try u8()) << 8 | Int(try u8()) }

  mutating func u32() throws(NoteError) -> Int { try u16() << 16 | (try u16()) }

  /// A variable-length quantity: 7 bits per byte, high bit set on all but the last, at most 4 bytes.
  mutating func vlq() throws(NoteError) -> Int {
    let at = offset
    var value = 0
    for _ in 0..<4 {
      let b = try u8()
      value = value << 7 | Int(b & 0x7F)
      if b & 0x80 == 0 { return value }
    }
    throw .malformed(path: path, offset: at, reason: "variable-length quantity longer than 4 bytes")
  }
}
