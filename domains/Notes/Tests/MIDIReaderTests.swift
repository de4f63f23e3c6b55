import Foundation
import Testing

@testable import NoteDomain

/// Hand-made files that exercise each rule of the SMF specification the reader implements.
@Suite struct MIDIReaderTests {
  func notes(_ bytes: [UInt8], keepDrums: Bool = false, sustain: Bool = true) throws -> [Note] {
    try MIDIReader.parse(bytes, path: "test.mid").notes(keepDrums: keepDrums, sustain: sustain)
  }

  @Test func runningStatusAndVelocityZeroNoteOff() throws {
    // 90 3C 64, then running status: 3C 00 (note-on velocity 0 = off), 40 64, then 80 40 00.
    let bytes = SMF.file(
      format: 0, [0x00, 0x90, 0x3C, 0x64, 0x60, 0x3C, 0x00, 0x00, 0x40, 0x50, 0x60, 0x80, 0x40, 0x00] + SMF.endOfTrack)
    #expect(same(try notes(bytes), [n(60, 100, 0, 0.5), n(64, 80, 0.5, 1.0)]))
  }

  @Test func runningStatusSurvivesMetaAndSysExEvents() throws {
    let body: [UInt8] =
      [0x00, 0x91, 0x3C, 0x64]
      + [0x00, 0xFF, 0x01, 0x02, 0x68, 0x69]  // text meta "hi"
      + [0x00, 0xF0, 0x03, 0x7E, 0x09, 0xF7]  // SysEx, skipped
      + [0x60, 0x3C, 0x00] + SMF.endOfTrack
    #expect(same(try notes(SMF.file(body)), [n(60, 100, 0, 0.5, ch: 1)]))
  }

  @Test func tempoChangeMidPieceIsAppliedFromItsTick() throws {
    // Conductor: 120 BPM, then 60 BPM at tick 96. Music: a note over ticks 0…192, another 192…288.
    let conductor = SMF.tempo(500_000) + SMF.tempo(1_000_000, delta: 0x60) + SMF.endOfTrack
    let music: [UInt8] =
      [0x00, 0x90, 0x3C, 0x64, 0x81, 0x40, 0x80, 0x3C, 0x00, 0x00, 0x90, 0x3E, 0x64, 0x60, 0x80, 0x3E, 0x00]
      + SMF.endOfTrack
    let file = try MIDIReader.parse(SMF.file(conductor, music), path: "t.mid")
    #expect(file.tracks.count == 2)
    #expect(same(file.notes(), [n(60, 100, 0, 1.5), n(62, 100, 1.5, 2.5)]))
  }

  @Test func tempoEventsInAnyTrackBuildOneMap() throws {
    // The tempo change sits in the second track (some writers do this); it still applies to the third.
    let second = SMF.tempo(250_000, delta: 0x60) + SMF.endOfTrack
    let third: [UInt8] = [0x81, 0x40, 0x90, 0x3C, 0x64, 0x60, 0x80, 0x3C, 0x00] + SMF.endOfTrack
    // 96 ticks at 0.5 s/quarter = 0.5 s, then 96 at 0.25 s = 0.25 s: the note is 0.75…1.0 s.
    #expect(same(try notes(SMF.file(SMF.endOfTrack, second, third)), [n(60, 100, 0.75, 1.0)]))
  }

  @Test func smpteDivisionIgnoresTempo() throws {
    // −25 frames/s × 40 ticks/frame = 1000 ticks per second.
    // 500 ticks
    let body = SMF.tempo(1_000_000) + [0x00, 0x90, 0x3C, 0x64, 0x83, 0x74, 0x80, 0x3C, 0x00] + SMF.endOfTrack
    let file = try MIDIReader.parse(SMF.file(format: 0, division: [0xE7, 0x28], body), path: "smpte.mid")
    #expect(file.division == .smpte(framesPerSecond: 25, ticksPerFrame: 40))
    #expect(same(file.notes(), [n(60, 100, 0, 0.5)]))
    // 29 means 30 drop-frame, which runs at 29.97 frames per second.
    let drop = try MIDIReader.parse(SMF.file(format: 0, division: [0xE3, 0x01], body), path: "drop.mid")
    #expect(same(drop.notes(), [n(60, 100, 0, 500 * 1001 / 30_000.0)], tolerance: 1e-9))
  }

  @Test func zeroLengthTracksAreEmpty() throws {
    // An empty MTrk chunk (no bytes at all) and a track holding only end-of-track.
    let bytes =
      SMF.header(tracks: 3) + SMF.track([]) + SMF.track(SMF.endOfTrack)
      + SMF.track([0x00, 0x90, 0x3C, 0x64, 0x60, 0x80, 0x3C, 0x00] + SMF.endOfTrack)
    let file = try MIDIReader.parse(bytes, path: "zero.mid")
    #expect(file.tracks.map(\.count) == [0, 0, 2])
    #expect(same(file.notes(), [n(60, 100, 0, 0.5)]))
  }

  @Test func unknownChunksAndLongerHeadersAreSkipped() throws {
    let music = SMF.track([0x00, 0x90, 0x3C, 0x64, 0x60, 0x80, 0x3C, 0x00] + SMF.endOfTrack)
    let bytes =
      Array("MThd".utf8) + SMF.be32(8) + SMF.be16(1) + SMF.be16(1) + SMF.be16(96) + [0xAA, 0xBB]
      + Array("XFIH".utf8) + SMF.be32(3) + [1, 2, 3] + music
    #expect(same(try notes(bytes), [n(60, 100, 0, 0.5)]))
  }

  @Test func drumChannelIsDroppedUnlessKept() throws {
    let body: [UInt8] =
      [0x00, 0x99, 0x24, 0x64, 0x00, 0x90, 0x3C, 0x50, 0x60, 0x89, 0x24, 0x00, 0x00, 0x80, 0x3C, 0x00] + SMF.endOfTrack
    #expect(same(try notes(SMF.file(body)), [n(60, 80, 0, 0.5)]))
    #expect(same(try notes(SMF.file(body), keepDrums: true), [n(60, 80, 0, 0.5), n(36, 100, 0, 0.5, ch: 9)]))
  }

  @Test func sustainPedalHoldsReleasedKeysUntilItLifts() throws {
    // Pedal down at 0; key 60 0…0.5 (held to 1.0 by the pedal); key 62 struck at 0.25, released at 0.5,
    // struck again at 0.75 (ends the held note there) and released at 1.25 after the pedal lifted at 1.0.
    let body: [UInt8] =
      [
        0x00, 0xB0, 0x40, 0x7F, 0x00, 0x90, 0x3C, 0x64, 0x30, 0x90, 0x3E, 0x64, 0x30, 0x80, 0x3C, 0x00, 0x00, 0x80,
        0x3E, 0x00,
      ]
      + [0x30, 0x90, 0x3E, 0x50, 0x30, 0xB0, 0x40, 0x00, 0x30, 0x80, 0x3E, 0x00] + SMF.endOfTrack
    #expect(same(try notes(SMF.file(body)), [n(60, 100, 0, 1.0), n(62, 100, 0.25, 0.75), n(62, 80, 0.75, 1.25)]))
    #expect(
      same(
        try notes(SMF.file(body), sustain: false), [n(60, 100, 0, 0.5), n(62, 100, 0.25, 0.5), n(62, 80, 0.75, 1.25)]))
  }

  @Test func overlappingSamePitchNotesAreResolvedByReStrike() throws {
    // On 60 at 0, on 60 again at 0.5 (ends the first), off at 1.0, a stray off at 1.5; an off on
    // another channel does not end it; a note never released closes at the last end-of-track (2.0).
    let body: [UInt8] =
      [
        0x00, 0x90, 0x3C, 0x64, 0x60, 0x90, 0x3C, 0x50, 0x00, 0x81, 0x3C, 0x00, 0x60, 0x80, 0x3C, 0x00, 0x60, 0x80,
        0x3C, 0x00,
      ]
      + [0x00, 0x90, 0x40, 0x64, 0x60, 0xFF, 0x2F, 0x00]
    #expect(same(try notes(SMF.file(body)), [n(60, 100, 0, 0.5), n(60, 80, 0.5, 1.0), n(64, 100, 1.5, 2.0)]))
  }

  @Test func fixtureFilesParseAsFormatOne() throws {
    for url in try Fixtures.midiFiles {
      let file = try MIDIReader.read(url)
      #expect(file.format == 1, "\(url.lastPathComponent)")
      #expect(!file.notes().isEmpty, "\(url.lastPathComponent)")
    }
  }
}
