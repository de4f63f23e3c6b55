import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import NoteDomain

@Suite struct NoteDomainTests {
  @Test func passesTheSharedDomainChecks() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let bad = try dir.file("bad.mid", Array("MThd".utf8) + [0, 0, 0, 6, 0, 1])
    let truncated = try dir.file(
      "truncated.mid", SMF.header(tracks: 1) + Array("MTrk".utf8) + SMF.be32(50) + [0x00, 0x90])
    let missing = dir.url.appendingPathComponent("missing.mid")
    let corpus = ["ultimate_run.mid", "coconut_run2.mid"].map { Fixtures.openmsx.appendingPathComponent($0) }
    try DomainConformance.check(NoteDomain(), corpus: corpus, badFiles: [bad, truncated, missing, dir.url])
  }

  /// Generation closes a note held longer than the corpus holds one (its 99.9th percentile),
  /// so a forgotten NOTE_OFF is not a key stuck for Magenta's 5 s; old runs keep 5 s.
  @Test func generatedNotesAreClosedAtTheCorpussLongest() throws {
    let domain = NoteDomain()
    let corpus = try domain.read([Fixtures.openmsx])
    let codec = try domain.makeCodec(for: corpus)
    let longest = try #require(codec.longestNote)
    let lengths = corpus.flatMap { codec.encoding.decode($0.steps, maxNoteSeconds: nil).map(\.duration) }
    #expect(longest > 0.5 && longest < 5 && longest < lengths.max()!, "\(longest)")
    #expect(Double(lengths.filter { $0 > longest }.count) <= 0.001 * Double(lengths.count) + 1)

    let steps = codec.encoding.stepsPerSecond
    let stuck: [NoteEvent] = [.noteOn(pitch: 60)] + Array(repeating: .timeShift(steps: steps), count: 8)
    let closed = domain.notes(ofGenerated: stuck, prime: [], codec: codec, stripPrime: false)
    #expect(closed.count == 1 && abs(closed[0].duration - longest) <= 1 / Double(steps), "\(closed)")

    // Saved and read back; a run saved before it was measured closes at 5 s; a corrupt value is refused.
    let json = try JSONEncoder().encode(codec)
    #expect(try JSONDecoder().decode(NoteCodec.self, from: json) == codec)
    var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    object["longestNote"] = nil
    let old = try JSONDecoder().decode(NoteCodec.self, from: try JSONSerialization.data(withJSONObject: object))
    #expect(old.longestNote == nil && old.maxGeneratedNoteSeconds == 5)
    object["longestNote"] = 1e9
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(NoteCodec.self, from: try JSONSerialization.data(withJSONObject: object))
    }
  }

  @Test func aFileIsOneSequenceAndTheCodecRemembersHowItWasRead() throws {
    let domain = NoteDomain(
      encoding: PerformanceEncoding(stepsPerSecond: 50, maxShiftSteps: 50, velocityBins: 16), keepDrums: true,
      sustain: false)
    let sequences = try domain.read([Fixtures.openmsx])
    #expect(sequences.count == 25)
    #expect(sequences.map(\.source) == (try Fixtures.midiFiles).map(\.path))
    let codec = try domain.makeCodec(for: sequences)
    #expect(codec.encoding == domain.encoding)
    #expect(codec.keepDrums && !codec.sustain)
    // Every file starts with a velocity event (leading silence is dropped), so that is the start.
    #expect(sequences.allSatisfy { if case .velocity = $0.steps[0] { true } else { false } })
    #expect(
      sequences.map { $0.steps[0] }.filter { $0 == codec.startEvent }.count
        >= sequences.map { $0.steps[0] }.filter { $0 == sequences[0].steps[0] }.count)
    #expect(domain.inputKind(codec) == .categorical(classes: 256 + 50 + 16))
    #expect(try domain.prime(PrimeRequest(), codec: codec) == [codec.startEvent])
    // A domain rebuilt from the codec reads the same events.
    #expect(
      try NoteDomain(codec: codec).read([URL(fileURLWithPath: sequences[3].source)]).first?.steps == sequences[3].steps)
  }

  @Test func primeFromTheStartOfARealPiece() throws {
    let file = Fixtures.openmsx.appendingPathComponent("harp_harmony.mid")
    let domain = NoteDomain()
    let codec = try domain.makeCodec(for: domain.read([file]))
    let whole = try domain.prime(PrimeRequest(file: file), codec: codec)
    #expect(whole == codec.encoding.encode(try domain.notes(of: file)))
    let cut = try domain.prime(PrimeRequest(file: file, seconds: 4.5), codec: codec)
    #expect(abs(codec.encoding.seconds(of: cut) - 4.5) < 1e-9)
    #expect(Array(whole.prefix(cut.count - 1)) == Array(cut.dropLast()))
    if case .timeShift = cut.last {} else { Issue.record("the prime ends with the clock moved to 4.5 s") }
    // The text of --prime is taken as a path too.
    #expect(try domain.prime(PrimeRequest(text: file.path, seconds: 4.5), codec: codec) == cut)
    #expect(throws: NoteError.self) { try domain.prime(PrimeRequest(file: file, seconds: -1), codec: codec) }
  }

  @Test func severalSamplesAreWrittenOneAfterAnotherWithMarkers() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let domain = NoteDomain()
    let codec = NoteCodec(
      encoding: PerformanceEncoding(), keepDrums: false, sustain: true, startEvent: .velocity(bin: 16))
    let sample: [NoteEvent] = [.noteOn(pitch: 60), .timeShift(steps: 100), .noteOff(pitch: 60)]
    let out = dir.url.appendingPathComponent("two.mid")
    try domain.write([sample, sample], codec: codec, to: out)
    let notes = try MIDIReader.read(out).notes()
    #expect(same(notes, [n(60, 64, 0, 1), n(60, 64, 3, 4)], tolerance: 1e-9))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["two.mid"])
    let (_, markers) = domain.arrange([[n(60, 63, 0, 1)], [n(60, 63, 0, 1)], []])
    #expect(markers.map(\.text) == ["sample 1 of 3", "sample 2 of 3", "sample 3 of 3"])
    #expect(markers.map(\.seconds) == [0, 3, 6])
  }

  @Test func baselinesScoreTheValidationSplit() throws {
    let domain = NoteDomain()
    let sequences = try domain.read(
      ["coconut_run2.mid", "ultimate_run.mid"].map { Fixtures.openmsx.appendingPathComponent($0) })
    let (train, validation) = ValidationSplit.tail.split(sequences, fraction: 0.1)
    let b = try NoteBaselines(train: train, validation: validation, encoding: domain.encoding)
    #expect(b.events == validation.map { $0.steps.count - 1 }.reduce(0, +))
    #expect(abs(b.seconds - validation.map { domain.encoding.seconds(of: $0.steps.dropFirst()) }.reduce(0, +)) < 1e-9)
    // A bigram knows more than a unigram, and neither beats nothing at all less than uniform.
    #expect(b.bigramBitsPerEvent < b.unigramBitsPerEvent)
    #expect(b.unigramBitsPerEvent < log2(388))
    #expect(b.bigramBitsPerEvent > 0.5)
  }

  @Test func pianoRollDrawsEveryNoteWithItsVelocityAsOpacity() {
    let svg = PianoRoll.svg([[n(60, 127, 0, 1), n(64, 1, 0.5, 2)], [n(40, 64, 0, 0.25)]], title: "a <b> & c")
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.contains("a &lt;b&gt; &amp; c"))
    #expect(svg.components(separatedBy: "fill=\"#1c4fa0\"").count - 1 == 3)
    #expect(svg.contains("fill-opacity=\"1.00\""))
    #expect(svg.contains("fill-opacity=\"0.26\""))
    #expect(svg.contains(">C4<"))
    #expect(svg.contains(">C2<"))
    #expect(!svg.contains("generated →"))
    #expect(PianoRoll.svg([[n(60, 127, 0, 1)]], title: "", primeEnd: 0.5).contains("generated →"))
  }
}

@Suite struct NoteDomainConfigurationTests {
  /// Evaluation and priming must read MIDI files the way the run was trained: the reader
  /// settings come back from the run's codec.
  @Test func aDomainConfiguredFromACodecReadsLikeTheTrainingRun() {
    let trained = NoteDomain(encoding: PerformanceEncoding(), keepDrums: true, sustain: false)
    let codec = NoteCodec(
      encoding: PerformanceEncoding(), keepDrums: true, sustain: false, startEvent: .timeShift(steps: 1))
    let restored = NoteDomain().configured(for: codec)
    #expect(restored.keepDrums == trained.keepDrums)
    #expect(restored.sustain == trained.sustain)
    #expect(NoteDomain().keepDrums == false)
  }
}

/// The domain's generation options as JSON: every field optional, defaults as on the command line.
@Suite struct NoteGenerationOptionsCodingTests {
  @Test func leftOutFieldsTakeTheirDefaults() throws {
    #expect(try NoteGenerationOptions.decode(withDefaults: Data("{}".utf8)) == NoteGenerationOptions())
    let some = try NoteGenerationOptions.decode(withDefaults: Data(#"{"seconds": 3, "stripPrime": true}"#.utf8))
    #expect(some.seconds == 3 && some.stripPrime)
    #expect(try NoteGenerationOptions.decode(withDefaults: try JSONEncoder().encode(some)) == some)
  }
}

/// Every option of notes generation is described once, with the encoded field's name.
@Suite struct NoteGenerationSettingsTests {
  @Test func everyFieldIsDescribedOnce() throws {
    let names = NoteGenerationOptions.settings.map(\.name)
    #expect(Set(names).count == names.count)
    let full = NoteGenerationOptions(
      seconds: 1, events: 2, length: 3, primeSeconds: 4, stripPrime: true, midiFormat: 0, pianoRoll: "a.svg",
      render: "b.wav", soundfont: "c.sf2", density: "4", key: "D minor", pitchClasses: "1,1,1,1,1,1,1,1,1,1,1,1",
      dynamics: "soft", voices: 4, chords: "Am F", beatsPerChord: 2, bpm: 90)
    guard case .object(let fields) = try JSONValue.encoding(full) else {
      Issue.record("not an object")
      return
    }
    #expect(Set(fields.keys) == Set(names))
    #expect(throws: EngineError.invalidOption(name: "midiFormat", reason: "must be in 0...1, got 2")) {
      try NoteGenerationOptions(midiFormat: 2).validate()
    }
  }
}
