import Foundation
import SeqGenEngine
import Testing

@testable import NoteDomain

/// Broken and hostile files: each must give one `NoteError` line naming the file (and the
/// byte offset where known), never a crash, a huge allocation or a hang.
@Suite struct MIDIBadInputTests {
  let note: [UInt8] = [0x00, 0x90, 0x3C, 0x64, 0x60, 0x80, 0x3C, 0x00]

  /// Parses `bytes` and returns the error it must raise.
  func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> NoteError? {
    do {
      _ = try MIDIReader.parse(bytes, path: "/x/bad.mid")
      Issue.record("parsing should have failed", sourceLocation: sourceLocation)
      return nil
    } catch {
      let text = error.description
      #expect(text.hasPrefix("/x/bad.mid: "), "\(text)", sourceLocation: sourceLocation)
      #expect(!text.contains("\n"), sourceLocation: sourceLocation)
      return error
    }
  }

  @Test func notAMIDIFile() {
    #expect(
      failure(Array("hello, world\n".utf8))
        == .malformed(path: "/x/bad.mid", offset: 0, reason: "not a Standard MIDI File (no MThd header)"))
    #expect(
      failure([]) == .malformed(path: "/x/bad.mid", offset: 0, reason: "not a Standard MIDI File (no MThd header)"))
    #expect(
      failure(Array("RIFF".utf8) + [0, 0, 0, 0])
        == .malformed(
          path: "/x/bad.mid", offset: 0, reason: "not a Standard MIDI File (a RIFF file (RMID is not supported))"))
  }

  @Test func truncatedHeader() {
    #expect(
      failure(Array("MThd".utf8) + [0, 0])
        == .malformed(path: "/x/bad.mid", offset: 6, reason: "unexpected end of file"))
    #expect(
      failure(Array("MThd".utf8) + SMF.be32(6) + [0, 1])
        == .malformed(
          path: "/x/bad.mid", offset: 4, reason: "header chunk length 6 runs past the end of the file (2 bytes left)"))
    #expect(
      failure(Array("MThd".utf8) + SMF.be32(4) + [0, 1, 0, 1])
        == .malformed(path: "/x/bad.mid", offset: 4, reason: "header chunk length 4 is shorter than 6"))
  }

  @Test func truncatedChunkHeader() {
    #expect(
      failure(SMF.header(tracks: 1) + Array("MTr".utf8))
        == .malformed(path: "/x/bad.mid", offset: 14, reason: "truncated chunk header (3 of 8 bytes)"))
  }

  @Test func chunkLengthPastTheEndOfTheFile() {
    let bytes = SMF.header(tracks: 1) + Array("MTrk".utf8) + SMF.be32(100) + note + SMF.endOfTrack
    #expect(
      failure(bytes)
        == .malformed(
          path: "/x/bad.mid", offset: 14, reason: "chunk length 100 runs past the end of the file (12 bytes left)"))
    // The largest 32-bit length allocates nothing and is refused the same way.
    let huge = SMF.header(tracks: 1) + Array("MTrk".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + SMF.endOfTrack
    #expect(failure(huge)?.description.contains("chunk length 4294967295 runs past the end of the file") == true)
  }

  @Test func variableLengthQuantityLongerThanFourBytes() {
    let bytes = SMF.file([0x81, 0x80, 0x80, 0x80, 0x00, 0x90, 0x3C, 0x64] + SMF.endOfTrack)
    #expect(
      failure(bytes)
        == .malformed(path: "/x/bad.mid", offset: 22, reason: "variable-length quantity longer than 4 bytes"))
    // Also inside a meta event's length.
    let meta = SMF.file([0x00, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + SMF.endOfTrack)
    #expect(
      failure(meta)
        == .malformed(path: "/x/bad.mid", offset: 25, reason: "variable-length quantity longer than 4 bytes"))
  }

  @Test func trackWithoutEndOfTrack() {
    #expect(
      failure(SMF.file(SMF.endOfTrack, note))
        == .malformed(path: "/x/bad.mid", offset: 26, reason: "track 2 has no end-of-track event"))
  }

  @Test func eventCutByTheEndOfItsChunk() {
    #expect(
      failure(SMF.file([0x00, 0x90, 0x3C]))
        == .malformed(path: "/x/bad.mid", offset: 25, reason: "unexpected end of track chunk"))
    // A meta event claiming more bytes than its track holds.
    #expect(
      failure(SMF.file([0x00, 0xFF, 0x01, 0x40, 0x61] + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 24, reason: "meta event length 64 runs past the end of track 1"))
    #expect(
      failure(SMF.file([0x00, 0xF0, 0x7F, 0x01] + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 23, reason: "SysEx length 127 runs past the end of track 1"))
  }

  @Test func absurdTempo() {
    #expect(
      failure(SMF.file(SMF.tempo(0) + note + SMF.endOfTrack))
        == .malformed(
          path: "/x/bad.mid", offset: 26,
          reason: "absurd tempo of 0 microseconds per quarter note (faster than 10000 BPM)"))
    #expect(
      failure(SMF.file([0x00, 0xFF, 0x51, 0x02, 0x07, 0xA1] + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 24, reason: "set-tempo meta event of length 2 (expected 3)"))
    // The slowest tempo the format can state is legal.
    #expect(throws: Never.self) {
      try MIDIReader.parse(SMF.file(SMF.tempo(0xFF_FFFF) + note + SMF.endOfTrack), path: "slow.mid")
    }
  }

  @Test func statusAndDataBytesOutOfPlace() {
    #expect(
      failure(SMF.file([0x00, 0x3C, 0x64] + SMF.endOfTrack))
        == .malformed(
          path: "/x/bad.mid", offset: 23, reason: "data byte 0x3C where a status byte was expected (no running status)")
    )
    #expect(
      failure(SMF.file([0x00, 0x90, 0x3C, 0x90, 0x00] + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 25, reason: "byte 0x90 where a data byte (< 0x80) was expected"))
    #expect(
      failure(SMF.file([0x00, 0xF8] + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 23, reason: "status byte 0xF8 is not allowed in a MIDI file track"))
  }

  @Test func formatAndDivision() {
    #expect(
      failure(SMF.file(format: 2, note + SMF.endOfTrack))
        == .unsupported(
          path: "/x/bad.mid",
          reason: "MIDI format 2 (independent sequences) is not supported; convert it to format 0 or 1"))
    #expect(
      failure(SMF.file(format: 7, note + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 8, reason: "unknown MIDI format 7"))
    #expect(
      failure(SMF.file(division: [0, 0], note + SMF.endOfTrack))
        == .malformed(path: "/x/bad.mid", offset: 12, reason: "time division of 0 ticks per quarter note"))
    #expect(
      failure(SMF.file(division: [0xE0, 0x04], note + SMF.endOfTrack))
        == .malformed(
          path: "/x/bad.mid", offset: 12, reason: "SMPTE division with 32 frames per second (expected 24, 25, 29 or 30)"
        ))
    #expect(
      failure(SMF.header(tracks: 0))
        == .malformed(
          path: "/x/bad.mid", offset: 14, reason: "no track chunk (MTrk) in the file (the header declares 0)"))
  }

  @Test func filesWithoutNotes() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let silent = try dir.file("silent.mid", SMF.file(SMF.tempo(500_000) + SMF.endOfTrack))
    #expect(throws: NoteError.noNotes(path: silent.path, reason: "no note-on events")) {
      try NoteDomain().read([silent])
    }
    let drums = try dir.file("drums.mid", SMF.file([0x00, 0x99, 0x24, 0x64, 0x60, 0x89, 0x24, 0x00] + SMF.endOfTrack))
    let error = #expect(throws: NoteError.self) { try NoteDomain().read([drums]) }
    #expect(
      error?.description
        == "\(drums.path): no notes to learn from (only drum-channel notes, which are dropped without `keepDrums`)")
    #expect(try NoteDomain(keepDrums: true).read([drums]).count == 1)
    // In a folder, note-less files are skipped while others have notes; with none, the folder is named.
    #expect(throws: NoteError.emptyCorpus(dir.url.path)) { try NoteDomain().read([dir.url]) }
    try dir.file("sub/good.mid", SMF.file(note + SMF.endOfTrack))
    #expect(try NoteDomain().read([dir.url]).map(\.source) == [dir.url.appendingPathComponent("sub/good.mid").path])
  }

  @Test func emptyAndMissingFolders() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    #expect(
      throws: NoteError.unreadable(
        path: dir.url.path, reason: "directory contains no MIDI files (.kar, .mid, .midi, .smf)")
    ) {
      try NoteDomain().read([dir.url])
    }
    try dir.file("readme.txt", Array("no music".utf8))
    #expect(throws: NoteError.self) { try NoteDomain().read([dir.url]) }
    let missing = dir.url.appendingPathComponent("missing.mid")
    #expect(throws: NoteError.unreadable(path: missing.path, reason: "no such file or directory")) {
      try NoteDomain().read([missing])
    }
  }

  @Test func aPieceLongerThanADayIsRefused() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    // Slowest tempo, 1 tick per quarter, a delta of 2²⁸ − 1 ticks: about 142 years.
    let file = try dir.file(
      "long.mid",
      SMF.file(
        division: SMF.be16(1),
        SMF.tempo(0xFF_FFFF) + [0x00, 0x90, 0x3C, 0x64, 0xFF, 0xFF, 0xFF, 0x7F, 0x80, 0x3C, 0x00] + SMF.endOfTrack))
    let error = #expect(throws: NoteError.self) { try NoteDomain().read([file]) }
    #expect(error?.description.contains("more than the 86400 s limit") == true)
  }

  /// Thousands of damaged copies of a real file: truncated, bytes overwritten. Every one either
  /// parses or fails with a NoteError; none traps or hangs.
  @Test func damagedCopiesOfARealFileNeverCrash() throws {
    let original = [UInt8](try Data(contentsOf: Fixtures.openmsx.appendingPathComponent("ultimate_run.mid")))
    var rng = SplitMix(seed: 7)
    var failures = 0
    for trial in 0..<1500 {
      var bytes = original
      if trial % 3 == 0 {
        bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
      } else {
        for _ in 0..<(1 + Int(rng.next() % 8)) {
          bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
        }
      }
      do {
        _ = try MIDIReader.parse(bytes, path: "damaged.mid").notes()
      } catch {
        failures += 1
        #expect(error.description.hasPrefix("damaged.mid: "))
      }
    }
    #expect(failures > 0)
  }
}

/// A tiny seeded generator (SplitMix64) so the damage is the same on every run.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
