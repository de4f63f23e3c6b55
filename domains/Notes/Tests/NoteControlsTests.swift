import Foundation
import SeqGenEngine
import Testing

@testable import NoteDomain

/// The notes domain's controls: what each measures over the music ahead, how training leaves
/// them out, and how a request is read.
@Suite struct NoteControlsTests {
  let encoding = PerformanceEncoding()

  /// Six seconds of a C major triad struck every half second (6 notes/s, two notes held at once
  /// on average: each note lasts a third of a second… held across one strike of three), then
  /// silence.
  func triads() -> [NoteEvent] {
    var notes: [Note] = []
    for k in 0..<12 {
      let start = Double(k) * 0.5
      for pitch in [60, 64, 67] { notes.append(Note(pitch: pitch, velocity: 80, start: start, end: start + 0.25)) }
    }
    notes.append(Note(pitch: 72, velocity: 20, start: 9, end: 10))
    return encoding.encode(notes)
  }

  @Test func eachControlMeasuresTheMusicAhead() throws {
    let events = triads()
    let measures = NoteControls.measures(of: events, encoding: encoding)
    #expect(measures.count == events.count)
    let first = measures[0]
    // Six strikes of three notes start in the first 3 s: 18 notes, 6 per second.
    #expect(abs(first.density - 6) < 1e-9)
    #expect(first.pitchClasses == [6, 0, 0, 0, 6, 0, 0, 6, 0, 0, 0, 0])
    #expect(abs(first.velocity - Double(encoding.velocity(ofBin: encoding.bin(ofVelocity: 80)))) < 1e-9)
    // Three notes sound for 0.25 s of every 0.5 s: 1.5 on average.
    #expect(abs(first.voices - 1.5) < 1e-9)
    // From the last triad's release (5.75 s) the window holds only the late soft C.
    let late = try #require(measures.indices.last { measures[$0].pitchClasses[4] == 0 && measures[$0].density > 0 })
    #expect(abs(measures[late].density - 1.0 / 3) < 1e-9)
    let row = NoteControls.row(
      density: first.density, pitchClasses: first.pitchClasses, velocity: first.velocity, voices: first.voices)
    #expect(row.count == NoteControls.width)
    #expect(row[0] == 1 && row[2 + 3] == 1 && row[2..<8].reduce(0, +) == 1, "6 notes/s is the 4–8 bin")
    #expect(row[8] == 1 && abs(row[9] - 1.0 / 3) < 1e-6 && row[9..<21].reduce(0, +) > 0.999)
    #expect(row[21] == 1 && row[23] == 1 && abs(row[24] - 1.5 / 8) < 1e-6)
    #expect(row[25...].allSatisfy { $0 == 0 }, "the chord left out")
    // The triad is C major; in the silence after the last strike, no chord sounds.
    #expect(first.chord == Chord(root: 0, quality: .major))
    let silent = try #require(
      events.indices.first { NoteControls.measures(of: events, encoding: encoding)[$0].chord == nil })
    #expect(silent > 0)
    let chordRow = NoteControls.row(
      density: nil, pitchClasses: nil, velocity: nil, voices: nil, chord: .some(first.chord))
    #expect(chordRow[25] == 1 && chordRow[26] == 1 && chordRow[38] == 1 && chordRow[42] == 1 && chordRow[45] == 1)
    #expect(chordRow.reduce(0, +) == 5)
  }

  @Test func chordsAreRecognisedAndNamed() throws {
    func weights(_ pcs: [Int: Double]) -> [Double] { (0..<12).map { pcs[$0] ?? 0 } }
    #expect(Chord.recognise(weights([9: 1, 0: 1, 4: 1])) == Chord(root: 9, quality: .minor))
    #expect(Chord.recognise(weights([7: 1, 11: 1, 2: 1, 5: 1])) == Chord(root: 7, quality: .dominant7))
    // A passing tone does not turn a triad into something else.
    #expect(Chord.recognise(weights([0: 2, 4: 2, 7: 2, 2: 0.3])) == Chord(root: 0, quality: .major))
    #expect(Chord.recognise(weights([:])) == nil)
    let chords = try NoteControlRequest.parseChords("Am F, C G7 | Bbmaj7 F#m7 Bdim Caug")
    #expect(chords.map(\.root) == [9, 5, 0, 7, 10, 6, 11, 0])
    #expect(chords.map(\.quality) == [.minor, .major, .major, .dominant7, .major7, .minor7, .diminished, .augmented])
    let request = NoteControlRequest(chords: Array(chords[0..<4]), secondsPerChord: 2)
    #expect(request.chord(at: 0)?.root == 9 && request.chord(at: 2.5)?.root == 5 && request.chord(at: 8.1)?.root == 9)
    for bad in ["H", "Cmaj9", "Am F Xb", ""] {
      #expect(throws: EngineError.self, "\(bad)") { try NoteControlRequest.parseChords(bad) }
    }
  }

  @Test func trainingLeavesEachControlOutAtRandomAndTheSameWayForOneSeed() throws {
    var notes: [Note] = []
    for k in 0..<400 {
      notes.append(Note(pitch: 60 + k % 12, velocity: 64, start: Double(k) * 0.5, end: Double(k) * 0.5 + 0.4))
    }
    let events = encoding.encode(notes)
    let all = NoteControls.rows(of: events, encoding: encoding, leavingOut: nil)
    let some = NoteControls.rows(of: events, encoding: encoding, leavingOut: 7)
    #expect(some == NoteControls.rows(of: events, encoding: encoding, leavingOut: 7))
    #expect(some != NoteControls.rows(of: events, encoding: encoding, leavingOut: 8))
    let rows = events.count
    for group in NoteControls.Group.allCases {
      let flag = group.offset
      #expect((0..<rows).allSatisfy { all[$0 * NoteControls.width + flag] == 1 })
      let kept = (0..<rows).filter { some[$0 * NoteControls.width + flag] == 1 }.count
      #expect(Double(kept) / Double(rows) > 0.3 && Double(kept) / Double(rows) < 0.7, "\(group): \(kept) of \(rows)")
      // A group left out is all zeros, a group kept is as measured.
      for r in 0..<rows {
        let range = (r * NoteControls.width + group.offset)..<(r * NoteControls.width + group.offset + group.width)
        #expect(some[range].allSatisfy { $0 == 0 } || some[range] == all[range])
      }
    }
  }

  @Test func requestsReadAsTheUserWritesThem() throws {
    let ramp = try NoteControlRequest.parseDensity("2@0s, 6@20s,4@30")
    let request = NoteControlRequest(density: ramp)
    #expect(request.density(at: 0) == 2 && request.density(at: 10) == 4 && request.density(at: 25) == 5)
    #expect(request.density(at: 99) == 4)
    #expect(try NoteControlRequest.parseDensity("3").map(\.value) == [3])
    #expect(try NoteControlRequest.parseKey("D minor") == [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0].map(Double.init))
    #expect(try NoteControlRequest.parseKey("bb Major")[10] == 1)
    #expect(try NoteControlRequest.parseDynamics("loud") == 100)
    #expect(try NoteControlRequest.parseDynamics("55") == 55)
    let options = NoteGenerationOptions(density: "4", key: "A minor", dynamics: "soft", voices: 4)
    let asked = try options.controlRequest()
    let row = asked.row(at: 3)
    #expect(row[0] == 1 && row[8] == 1 && row[21] == 1 && row[23] == 1)
    #expect(NoteControlRequest().row(at: 0).allSatisfy { $0 == 0 }, "left out: free")
  }

  /// Asked for dynamics, a generation without a prime file starts at that velocity.
  @Test func askedDynamicsSetTheStartingVelocity() throws {
    let codec = NoteCodec(encoding: encoding, keepDrums: false, sustain: true, startEvent: .noteOn(pitch: 60))
    var domain = NoteDomain(codec: codec)
    #expect(try domain.prime(PrimeRequest(), codec: codec) == [.noteOn(pitch: 60)])
    domain.startVelocity = 40
    #expect(try domain.configured(for: codec).prime(PrimeRequest(), codec: codec) == [.velocity(bin: 10)])
    #expect(encoding.bin(ofVelocity: 40) == 10)
  }

  @Test(arguments: [
    (NoteGenerationOptions(density: "0"), "density"),
    (NoteGenerationOptions(density: "60"), "density"),
    (NoteGenerationOptions(density: "4@5s,2@1s"), "increase"),
    (NoteGenerationOptions(density: "fast"), "density"),
    (NoteGenerationOptions(key: "H minor"), "key"),
    (NoteGenerationOptions(key: "C dorian"), "key"),
    (NoteGenerationOptions(pitchClasses: "1,0,1,0,1,1,0,1,0,1,0"), "12"),
    (NoteGenerationOptions(pitchClasses: "0,0,0,0,0,0,0,0,0,0,0,0"), "all zero"),
    (NoteGenerationOptions(key: "C major", pitchClasses: "1,1,1,1,1,1,1,1,1,1,1,1"), "not both"),
    (NoteGenerationOptions(dynamics: "200"), "dynamics"),
    (NoteGenerationOptions(voices: 0), "voices"),
    (NoteGenerationOptions(chords: "Am F Q"), "\"Q\""),
    (NoteGenerationOptions(chords: "Am", beatsPerChord: 0), "beatsPerChord"),
    (NoteGenerationOptions(chords: "Am", bpm: 1000), "bpm"),
  ])
  func badRequestsAreNamed(options: NoteGenerationOptions, mention: String) {
    do {
      try options.validate()
      Issue.record("\(options) should be refused")
    } catch {
      #expect(error.description.contains(mention), "\(error)")
    }
  }
}
