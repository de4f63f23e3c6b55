import Codec2
import Foundation
import SeqGenEngine
import SeqGenTestSupport
import SoundIO
import Testing

@testable import SpeechDomain

let speechFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/audio/speech")

@Suite struct SpeechDomainTests {
  @Test func passesTheConformanceChecks() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let corpus = ["added.flac", "dir-multi2.flac"].map { speechFixtures.appendingPathComponent($0) }
    let noise = dir.at("noise.wav")
    try Data("RIFF....WAVEfmt not really".utf8).write(to: noise)
    try DomainConformance.check(SpeechDomain(), corpus: corpus, badFiles: [noise])
  }
}

/// A folder in the LJSpeech layout made from real fixture clips (re-encoded as WAV), with the
/// given metadata lines (nil: one row per clip with a made-up transcript).
func ljSpeechFolder(_ dir: TemporaryDirectory, rows: [String]? = nil) throws -> URL {
  let root = dir.at("lj")
  try FileManager.default.createDirectory(at: root.appendingPathComponent("wavs"), withIntermediateDirectories: true)
  let clips = ["added", "activated", "call-forwarding", "dir-multi2"]
  for name in clips {
    let audio = try SoundFile.readAudio(speechFixtures.appendingPathComponent("\(name).flac"))
    try SoundFile.write(
      audio.samples, channels: 1, sampleRate: audio.sampleRate, to: root.appendingPathComponent("wavs/\(name).wav"))
  }
  let lines = rows ?? clips.map { "\($0)|\($0.replacingOccurrences(of: "-", with: " ")) Said|\($0) said" }
  try Data(lines.joined(separator: "\n").utf8).write(to: root.appendingPathComponent("metadata.csv"))
  return root
}

@Suite struct SpeechReadingTests {
  @Test func readsLJSpeechWithTheNormalizedText() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let root = try ljSpeechFolder(dir, rows: ["added|Added!|added", "activated|Activated.|"])
    let sequences = try SpeechDomain(condition: .text).read([root])
    #expect(sequences.map(\.annotation) == ["added", "activated."])
    #expect(sequences[0].source.hasSuffix("wavs/added.wav"))
    // 0.5 s or so of 20 ms frames of 14 fields each.
    #expect(sequences[0].steps.count > 10 && sequences[0].steps.allSatisfy { $0.fields.count == 14 })
    let codec = try SpeechDomain(condition: .text).makeCodec(for: sequences)
    #expect(codec.alphabet == [".", "a", "c", "d", "e", "i", "t", "v"])
    #expect(try codec.classes(of: "ACTIVATED.", source: "x") == [1, 2, 6, 5, 7, 1, 6, 4, 3, 0])
  }

  /// A phoneme model reads pronunciation: words spelt apart but said alike read the same.
  @Test func phonemesReadPronunciation() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let root = try ljSpeechFolder(dir, rows: ["added|The knight.", "activated|A night, right?"])
    let domain = SpeechDomain(condition: .phonemes)
    let codec = try domain.makeCodec(for: try domain.read([root]))
    #expect(codec.condition == .phonemes && codec.alphabet != nil)
    let knight = try codec.classes(of: "knight", source: "x")
    #expect(try knight == codec.classes(of: "Night!", source: "x"))
    #expect(try knight != codec.classes(of: "right", source: "x"))
    let back = try JSONDecoder().decode(SpeechCodec.self, from: JSONEncoder().encode(codec))
    #expect(back == codec)
    // A codec saved before phonemes existed reads text.
    let old = try JSONDecoder().decode(SpeechCodec.self, from: Data(#"{"mode":"3200","alphabet":["a"]}"#.utf8))
    #expect(old.condition == nil)
    #expect(try old.classes(of: "A", source: "x") == [0])
  }

  @Test func readsTranscriptsBesideTheClips() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let audio = try SoundFile.readAudio(speechFixtures.appendingPathComponent("added.flac"))
    try SoundFile.write(audio.samples, channels: 1, sampleRate: 8000, to: dir.at("a.wav"))
    try SoundFile.write(audio.samples, channels: 1, sampleRate: 8000, to: dir.at("b.flac"))
    try Data("Added\n".utf8).write(to: dir.at("a.txt"))
    let plain = try SpeechDomain().read([dir.url])
    #expect(plain.map(\.annotation) == ["added", nil])
    #expect(throws: SpeechError.self) { try SpeechDomain(condition: .text).read([dir.url]) }
    do {
      _ = try SpeechDomain(condition: .text).read([dir.url])
    } catch {
      #expect("\(error)".hasPrefix(dir.at("b.flac").path + ": no transcript"), "\(error)")
    }
  }

  /// Every bad corpus is one line naming the file and, for metadata, the line.
  @Test(arguments: [
    (["added|Added"], "metadata.csv:1: "),
    (["added"], "metadata.csv:1: expected id|text"),
    (["added|Added|added", "missing|Gone|gone"], "metadata.csv:2: no clip"),
    (["../added|Added"], "metadata.csv:1: the id"),
    (["added|   |"], "metadata.csv:1: empty text"),
  ])
  func badMetadataIsOneLine(rows: [String], expected: String) throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let root = try ljSpeechFolder(dir, rows: rows)
    guard expected != "metadata.csv:1: " else {
      #expect(try SpeechDomain().read([root]).count == 1)
      return
    }
    let error = try #require(throws: SpeechError.self) { try SpeechDomain().read([root]) }
    #expect("\(error)".contains(expected) && !"\(error)".contains("\n"), "\(error)")
  }

  @Test func nonUTF8MetadataAndTooShortClipsAreRefused() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let root = try ljSpeechFolder(dir)
    try Data([0x61, 0x7C, 0xFF, 0xFE]).write(to: root.appendingPathComponent("metadata.csv"))
    let error = try #require(throws: SpeechError.self) { try SpeechDomain().read([root]) }
    #expect("\(error)".hasSuffix("metadata.csv: not UTF-8 text"), "\(error)")
    try SoundFile.write([Float](repeating: 0.1, count: 100), channels: 1, sampleRate: 8000, to: dir.at("short.wav"))
    let short = try #require(throws: SpeechError.self) { try SpeechDomain().read([dir.at("short.wav")]) }
    #expect("\(short)".contains("shorter than one 20 ms codec frame"), "\(short)")
  }

  /// Frames decode back to speech of the clip's length, through codec2.
  @Test func framesDecodeToTheClipsLength() throws {
    let clip = speechFixtures.appendingPathComponent("call-forwarding.flac")
    let frames = try SpeechReader.frames(clip, mode: .mode1300)
    let audio = try SoundFile.readAudio(clip)
    #expect(frames.count == (audio.frames + 319) / 320)
    let wave = try SpeechDomain(mode: .mode1300).waveform(frames, codec: SpeechCodec(mode: .mode1300))
    #expect(wave.count == frames.count * 320)
    #expect(wave.map(abs).max()! > 0.1)
  }
}

/// A model trained on transcripts says a given text; the errors of saying.
@Suite struct SpeechSayingTests {
  static func trainedRun(_ dir: TemporaryDirectory) throws -> RunDirectory {
    let root = try ljSpeechFolder(dir)
    let domain = SpeechDomain(condition: .text)
    let sequences = try domain.read([root])
    var options = TrainingOptions.tiny(hiddenSize: 16, batchSize: 2, seqLength: 20, steps: 3)
    options.windowMixtures = 2
    let run = RunDirectory(dir.at("run"))
    try Trainer(domain: domain, sequences: sequences, dataPaths: [root.path], options: options, run: run, resume: false)
      .run()
    return run
  }

  @Test func saysAGivenTextIntoOneClipPerSample() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let run = try Self.trainedRun(dir)
    var request = GenerationRequest(out: dir.at("say.flac").path)
    request.count = 2
    let output = try SpeechDomain().generate(
      run: run, request: request, options: SpeechGenerationOptions(text: "Added  said"), events: { _ in })
    #expect(output.files.map(\.lastPathComponent) == ["say-1.flac", "say-2.flac"])
    let tags = try SoundFile.tags(of: output.files[0])
    #expect(tags[.title] == "Added  said" && tags[.comment]?.contains("seed=") == true, "\(tags)")
    #expect(output.figures["realTimeFactor"]! > 0)
  }

  @Test(arguments: [
    (SpeechGenerationOptions(), "give `text` or `textFile`"),
    (SpeechGenerationOptions(text: "xyz"), "the character \"x\" is not in the model's alphabet"),
    (SpeechGenerationOptions(text: "###", skipUnknown: true), "has no character the model knows"),
    (SpeechGenerationOptions(textFile: "/nonexistent/lines.txt"), "cannot read the text file"),
  ])
  func refusesWhatItCannotSay(options: SpeechGenerationOptions, expected: String) throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let run = try Self.trainedRun(dir)
    let error = try #require(throws: (any Error).self) {
      try SpeechDomain().generate(
        run: run, request: GenerationRequest(out: dir.at("say.wav").path), options: options, events: { _ in })
    }
    #expect("\(error)".contains(expected), "\(error)")
    #expect(!FileManager.default.fileExists(atPath: dir.at("say.wav").path))
  }

  @Test func optionsRefuseEmptyTextAndSecondsWithText() {
    #expect(throws: EngineError.self) { try SpeechGenerationOptions(text: "  \n").validate() }
    #expect(throws: EngineError.self) { try SpeechGenerationOptions(text: "hi", seconds: 2).validate() }
    #expect(throws: EngineError.self) { try SpeechGenerationOptions(text: "a", textFile: "b").validate() }
  }
}

@Suite struct SyntheticCorpusTests {
  /// espeak-ng says each line into the LJSpeech layout, which the domain reads back.
  @Test func writesAnLJSpeechCorpusTheDomainReads() throws {
    let dir = try TemporaryDirectory("seqgen-espeak")
    defer { dir.remove() }
    let out = dir.at("corpus")
    let seconds = try SyntheticCorpus(seed: 3).write(["The boat left.", "", "A|pipe here."], to: out)
    #expect(seconds > 1)
    let metadata = try String(contentsOf: out.appendingPathComponent("metadata.csv"), encoding: .utf8)
    #expect(metadata == "espeak-00001|The boat left.|The boat left.\nespeak-00003|A pipe here.|A pipe here.\n")
    let sequences = try SpeechDomain(condition: .text).read([out])
    #expect(sequences.map(\.annotation) == ["the boat left.", "a pipe here."])
    #expect(throws: SpeechError.self) { try SyntheticCorpus().write(["Again."], to: out) }
    #expect(throws: SpeechError.self) { try SyntheticCorpus(voice: "xx-nowhere").write(["Hi."], to: dir.at("x")) }
    #expect(!FileManager.default.fileExists(atPath: dir.at("x").path))
  }
}
