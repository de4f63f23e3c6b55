import Foundation
import Testing

@testable import NoteDomain

@Suite struct MIDIWriterTests {
  @Test func theTenMillisecondGridIsExactInTheFile() throws {
    let w = MIDIWriter(settings: "seqgen notes: seed 3, temperature 0.9")
    #expect(w.timing == (50, 500_000))
    let bytes = try w.data([n(60, 100, 0, 0.01), n(61, 1, 12.34, 20)])
    let file = try MIDIReader.parse(bytes, path: "w.mid")
    #expect(file.format == 1)
    #expect(file.division == .ticksPerQuarter(50))
    #expect(file.tracks.count == 2)
    #expect(same(file.notes(), [n(60, 100, 0, 0.01), n(61, 1, 12.34, 20)]))
    // The settings are the first track's name (meta 0x03), where any DAW shows them.
    let name = Array("seqgen notes: seed 3, temperature 0.9".utf8)
    #expect(Array(bytes[22..<(26 + name.count)]) == [0x00, 0xFF, 0x03, UInt8(name.count)] + name)
    // An odd grid uses 60 BPM with one tick per step.
    #expect(MIDIWriter(stepsPerSecond: 75).timing == (75, 1_000_000))
  }

  @Test func formatZeroHoldsEverythingInOneTrack() throws {
    let bytes = try MIDIWriter(format: 0).data([n(60, 100, 0, 1), n(60, 90, 1, 2)], markers: [(1, "sample 2 of 2")])
    let file = try MIDIReader.parse(bytes, path: "w0.mid")
    #expect(file.format == 0)
    #expect(file.tracks.count == 1)
    // Released and struck again on the same tick: the release is written first.
    #expect(same(file.notes(), [n(60, 100, 0, 1), n(60, 90, 1, 2)]))
  }

  @Test func aGapTooLongForAMIDIDeltaIsAnError() {
    #expect(throws: NoteError.self) { try MIDIWriter().data([n(60, 100, 0, 1), n(62, 100, 3_000_000, 3_000_001)]) }
  }

  /// Events → MIDI → events, identical, for every fixture file.
  @Test func everyFixtureRoundTripsThroughTheWriter() throws {
    let domain = NoteDomain()
    let e = domain.encoding
    let files = try Fixtures.midiFiles
    #expect(files.count == 25)
    for url in files {
      let events = e.encode(try domain.notes(of: url))
      let bytes = try MIDIWriter().data(e.decode(events, maxNoteSeconds: nil))
      let back = e.encode(try MIDIReader.parse(bytes, path: url.path).notes())
      #expect(back == events, "\(url.lastPathComponent)")
    }
  }
}
