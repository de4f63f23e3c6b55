import Foundation
import Testing

@testable import NoteDomain

/// The reader against an independent one: fixtures/reference/notes_golden.json was written by
/// scripts/make_notes_golden.py, which lets mido parse each fixture and convert ticks to seconds.
@Suite struct MIDIGoldenTests {
  struct Golden: Decodable {
    struct File: Decodable {
      var format: Int
      var ticksPerQuarter: Int
      var notes: Int
      var notesPerChannel: [String: Int]
      var sumOfOnsets: Double
      var sumOfOffsets: Double
      var first: [[Double]]
      var last: [[Double]]
      var playedNotes: Int
      var playedSumOfDurations: Double
    }
    var files: [String: File]
  }

  @Test func noteCountsAndTimesAgreeWithMido() throws {
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: Fixtures.golden))
    let files = try Fixtures.midiFiles
    #expect(Set(golden.files.keys) == Set(files.map(\.lastPathComponent)))
    for url in files {
      let name = url.lastPathComponent
      let g = try #require(golden.files[name])
      let file = try MIDIReader.read(url)
      #expect(file.format == g.format, "\(name)")
      #expect(file.division == .ticksPerQuarter(g.ticksPerQuarter), "\(name)")
      let raw = file.notes(keepDrums: true, sustain: false)
      #expect(raw.count == g.notes, "\(name)")
      var perChannel: [String: Int] = [:]
      for note in raw { perChannel[String(note.channel), default: 0] += 1 }
      #expect(perChannel == g.notesPerChannel, "\(name)")
      #expect(abs(raw.map(\.start).reduce(0, +) - g.sumOfOnsets) < 1e-3, "\(name)")
      #expect(abs(raw.map(\.end).reduce(0, +) - g.sumOfOffsets) < 1e-3, "\(name)")
      func rows(_ notes: some Collection<Note>) -> [[Double]] {
        notes.map { [$0.start, $0.end, Double($0.pitch), Double($0.velocity), Double($0.channel)] }
      }
      for (mine, theirs) in zip(rows(raw.prefix(g.first.count)) + rows(raw.suffix(g.last.count)), g.first + g.last) {
        #expect(
          mine.count == 5 && zip(mine, theirs).allSatisfy { abs($0 - $1) <= 2e-6 }, "\(name): \(mine) vs mido \(theirs)"
        )
      }
      let played = file.notes(keepDrums: false, sustain: true)
      #expect(played.count == g.playedNotes, "\(name)")
      #expect(abs(played.map(\.duration).reduce(0, +) - g.playedSumOfDurations) < 1e-3, "\(name)")
    }
  }
}
