import Foundation
import Testing

@testable import NoteDomain

@Suite struct PerformanceEncodingTests {
  let e = PerformanceEncoding()

  @Test func defaultVocabularyIsPerformanceRNNs388Classes() throws {
    #expect(e.classes == 388)
    #expect(try e.index(of: .noteOn(pitch: 0)) == 0)
    #expect(try e.index(of: .noteOff(pitch: 127)) == 255)
    #expect(try e.index(of: .timeShift(steps: 1)) == 256)
    #expect(try e.index(of: .timeShift(steps: 100)) == 355)
    #expect(try e.index(of: .velocity(bin: 1)) == 356)
    #expect(try e.index(of: .velocity(bin: 32)) == 387)
    for k in 0..<e.classes { #expect(try e.index(of: e.event(at: k)) == k) }
    for bad: NoteEvent in [
      .noteOn(pitch: 128), .noteOff(pitch: -1), .timeShift(steps: 0), .timeShift(steps: 101), .velocity(bin: 0),
      .velocity(bin: 33),
    ] {
      #expect(throws: NoteError.self) { try e.index(of: bad) }
    }
    let noVelocity = PerformanceEncoding(stepsPerSecond: 50, maxShiftSteps: 25, velocityBins: 0)
    #expect(noVelocity.classes == 281)
    #expect(throws: NoteError.self) { try noVelocity.index(of: .velocity(bin: 1)) }
  }

  @Test func velocityBinsFollowMagentaAndRoundTrip() {
    #expect(e.binSize == 4)
    #expect(e.bin(ofVelocity: 1) == 1)
    #expect(e.bin(ofVelocity: 4) == 1)
    #expect(e.bin(ofVelocity: 5) == 2)
    #expect(e.bin(ofVelocity: 127) == 32)
    for bins in [1, 3, 8, 32, 100, 127] {
      let enc = PerformanceEncoding(velocityBins: bins)
      for v in 1...127 {
        let b = enc.bin(ofVelocity: v)
        #expect((1...bins).contains(b))
        #expect(enc.bin(ofVelocity: enc.velocity(ofBin: b)) == b, "bins \(bins), velocity \(v)")
        #expect((1...127).contains(enc.velocity(ofBin: b)))
      }
    }
  }

  @Test func notesBecomeEventsAsPerformanceRNNWritesThem() {
    // Leading silence (1 s) dropped; a C major chord at velocity 100 (bin 25) for 0.5 s; then
    // after 2.3 s more, a soft E (velocity 40, bin 10) lasting 0.004 s (rounds to 0, kept 1 step).
    let notes = [n(64, 100, 1, 1.5), n(60, 100, 1, 1.5), n(67, 100, 1.001, 1.5), n(64, 40, 4.3, 4.304)]
    #expect(
      e.encode(notes) == [
        .velocity(bin: 25), .noteOn(pitch: 60), .noteOn(pitch: 64), .noteOn(pitch: 67), .timeShift(steps: 50),
        .noteOff(pitch: 60), .noteOff(pitch: 64), .noteOff(pitch: 67), .timeShift(steps: 100), .timeShift(steps: 100),
        .timeShift(steps: 80), .velocity(bin: 10), .noteOn(pitch: 64), .timeShift(steps: 1), .noteOff(pitch: 64),
      ])
  }

  @Test func releasesComeBeforeOnsetsAndSamePitchOverlapsAreResolved() {
    // 60 ends exactly where 60 starts again; 62 overlaps itself (the first is cut at the second's
    // onset); two 64s start together (one note: longer end, louder velocity).
    let notes = [
      n(60, 64, 0, 0.1), n(60, 64, 0.1, 0.2), n(62, 64, 0, 0.3), n(62, 64, 0.1, 0.2), n(64, 20, 0, 0.1),
      n(64, 64, 0, 0.05),
    ]
    let q = e.quantize(notes)
    #expect(q.map(\.pitch) == [60, 62, 64, 60, 62])
    #expect(q.map(\.start) == [0, 0, 0, 10, 10])
    #expect(q.map(\.end) == [10, 10, 10, 20, 20])
    #expect(q.map(\.velocity) == [64, 64, 64, 64, 64])
    #expect(
      e.encode(notes) == [
        .velocity(bin: 16), .noteOn(pitch: 60), .noteOn(pitch: 62), .noteOn(pitch: 64), .timeShift(steps: 10),
        .noteOff(pitch: 60), .noteOff(pitch: 62), .noteOff(pitch: 64), .noteOn(pitch: 60), .noteOn(pitch: 62),
        .timeShift(steps: 10), .noteOff(pitch: 60), .noteOff(pitch: 62),
      ])
  }

  @Test func decodingRepairsWhatAModelCanEmit() {
    let events: [NoteEvent] = [
      .noteOff(pitch: 50),  // nothing sounding: ignored
      .noteOn(pitch: 60),  // velocity 64 until a VELOCITY event
      .velocity(bin: 32), .noteOn(pitch: 72), .noteOff(pitch: 72),  // zero length: dropped
      .timeShift(steps: 10), .noteOn(pitch: 60),  // re-strike: the first 60 ends here
      .noteOn(pitch: 67), .timeShift(steps: 20), .noteOff(pitch: 67),
      .timeShift(steps: 5),  // 60 still sounding at the end: closed at 0.35 s
    ]
    let decoded = e.decode(events)
    #expect(same(decoded, [n(60, 64, 0, 0.1), n(60, 127, 0.1, 0.35), n(67, 127, 0.1, 0.3)], tolerance: 1e-12))
  }

  @Test func notesHeldLongerThanFiveSecondsAreClosed() {
    var events: [NoteEvent] = [.velocity(bin: 16), .noteOn(pitch: 60), .noteOn(pitch: 62)]
    events += Array(repeating: .timeShift(steps: 100), count: 3) + [.noteOff(pitch: 62)]
    events +=
      Array(repeating: .timeShift(steps: 100), count: 5) + [
        .noteOff(pitch: 60), .noteOn(pitch: 64), .timeShift(steps: 50),
      ]
    let decoded = e.decode(events)
    #expect(same(decoded, [n(60, 63, 0, 5), n(62, 63, 0, 3), n(64, 63, 8, 8.5)], tolerance: 1e-12))
    // Without the limit (reading real files back) the note keeps its length.
    #expect(abs((e.decode(events, maxNoteSeconds: nil).first?.end ?? 0) - 8) < 1e-12)
  }

  @Test func encodeThenDecodeGivesTheGriddedNotes() {
    let notes = [n(60, 90, 0.004, 0.333), n(61, 30, 0.2, 2.7), n(90, 127, 3.14159, 3.2)]
    let decoded = e.decode(e.encode(notes), maxNoteSeconds: nil)
    #expect(same(decoded, [n(60, 91, 0, 0.33), n(61, 31, 0.2, 2.7), n(90, 127, 3.14, 3.2)], tolerance: 1e-9))
    #expect(e.encode(decoded) == e.encode(notes))
    #expect(abs(e.seconds(of: e.encode(notes)) - 3.2) < 1e-12)
  }

  @Test func codecSurvivesJSONAndRejectsCorruptValues() throws {
    let codec = NoteCodec(
      encoding: PerformanceEncoding(stepsPerSecond: 50, maxShiftSteps: 40, velocityBins: 8), keepDrums: true,
      sustain: false, startEvent: .velocity(bin: 5))
    let json = try JSONEncoder().encode(codec)
    #expect(try JSONDecoder().decode(NoteCodec.self, from: json) == codec)
    for bad in [
      #"{"encoding":{"stepsPerSecond":0,"maxShiftSteps":100,"velocityBins":32},"keepDrums":false,"sustain":true,"startClass":0}"#,
      #"{"encoding":{"stepsPerSecond":100,"maxShiftSteps":100,"velocityBins":200},"keepDrums":false,"sustain":true,"startClass":0}"#,
      #"{"encoding":{"stepsPerSecond":100,"maxShiftSteps":100,"velocityBins":32},"keepDrums":false,"sustain":true,"startClass":388}"#,
      #"{"encoding":{"stepsPerSecond":100,"maxShiftSteps":100,"velocityBins":32},"keepDrums":false,"startClass":1}"#,
    ] {
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(NoteCodec.self, from: Data(bad.utf8)) }
    }
  }
}
