import Foundation
import SeqGenTestSupport
import SoundIO
import Testing

/// The libsndfile/libsamplerate wrapper: round trips, memory I/O, and every kind of bad input.
@Suite struct SoundFileTests {
  // MARK: Writing and reading back

  @Test(arguments: [SoundFileFormat.wav, .flac])
  func losslessFormatsRoundTripToSixteenBits(format: SoundFileFormat) throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let left = sine(frequency: 440, seconds: 0.25, rate: 16000)
    let right = sine(frequency: 220, seconds: 0.25, rate: 16000, amplitude: 0.25)
    let interleaved = zip(left, right).flatMap { [$0, $1] }
    let url = dir.at("clip.\(format.rawValue)")
    try SoundFile.write(interleaved, channels: 2, sampleRate: 16000, to: url)
    let back = try SoundFile.read(url)
    #expect(back.channels == 2)
    #expect(back.sampleRate == 16000)
    #expect(back.samples.count == interleaved.count)
    let worst = zip(back.samples, interleaved).map { abs($0 - $1) }.max()!
    #expect(worst <= 1.0 / 32768 + 1e-7, "worst difference \(worst)")
  }

  /// Title, comment and software fields survive a write and a read in every format written.
  @Test(arguments: [SoundFileFormat.wav, .flac, .ogg])
  func stringFieldsRoundTrip(format: SoundFileFormat) throws {
    let dir = try TemporaryDirectory("seqgen-tags")
    defer { dir.remove() }
    let url = dir.at("tagged.\(format.rawValue)")
    let tags: [SoundFile.Tag: String] = [.title: "a title", .comment: "seed=3 top-k=5", .software: "seqgen test"]
    try SoundFile.write(
      sine(frequency: 440, seconds: 0.2, rate: 8000), channels: 1, sampleRate: 8000, to: url, tags: tags)
    let read = try SoundFile.tags(of: url)
    #expect(read[.title] == "a title" && read[.comment] == "seed=3 top-k=5", "\(read)")
    #expect(read[.software]?.hasPrefix("seqgen test") == true, "\(read)")
  }

  @Test func oggVorbisRoundTripKeepsLengthAndShape() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let tone = sine(frequency: 440, seconds: 0.5, rate: 22050)
    let url = dir.at("tone.ogg")
    try SoundFile.write(tone, channels: 1, sampleRate: 22050, to: url)
    let back = try SoundFile.read(url)
    #expect(back.sampleRate == 22050 && back.channels == 1)
    #expect(back.samples.count == tone.count)
    // Lossy, but the waveform survives: correlation with the original near 1.
    let dot = zip(back.samples, tone).reduce(0) { $0 + Double($1.0 * $1.1) }
    let norms = (back.samples.reduce(0) { $0 + Double($1 * $1) } * tone.reduce(0) { $0 + Double($1 * $1) }).squareRoot()
    #expect(dot / norms > 0.95)
  }

  @Test func readingFromMemoryMatchesReadingTheFile() throws {
    let url = speechFixtures.appendingPathComponent("added.flac")
    let fromFile = try SoundFile.readAudio(url)
    let fromMemory = try SoundFile.read(data: Data(contentsOf: url), name: "added")
    #expect(fromFile == fromMemory)
    #expect(fromFile.sampleRate == 8000 && fromFile.channels == 1 && fromFile.frames == 5785)
  }

  @Test func encodeInMemoryDecodesBack() throws {
    let tone = sine(frequency: 1000, seconds: 0.1, rate: 8000)
    let data = try SoundFile.encode(tone, channels: 1, sampleRate: 8000, format: .wav)
    #expect(data.prefix(4) == Data("RIFF".utf8))
    let back = try SoundFile.read(data: data)
    #expect(back.frames == tone.count)
  }

  @Test func samplesBeyondFullScaleAreClippedNotWrapped() throws {
    let data = try SoundFile.encode([1.5, -1.5, 0.5], channels: 1, sampleRate: 8000, format: .wav)
    let back = try SoundFile.read(data: data).samples
    #expect(back[0] > 0.99 && back[1] < -0.99 && abs(back[2] - 0.5) < 1e-4)
  }

  @Test func writingReplacesAFileAtomicallyAndLeavesNoTemporaryFile() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = dir.at("out.wav")
    try SoundFile.write([0.1, 0.2], channels: 1, sampleRate: 8000, to: url)
    try SoundFile.write([0.3, 0.2, 0.1], channels: 1, sampleRate: 8000, to: url)
    #expect(try SoundFile.readAudio(url).frames == 3)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["out.wav"])
  }

  @Test func writeRejectsUnknownExtensionsAndBadArguments() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    for name in ["clip.mp4", "clip", "clip.txt"] {
      let url = dir.at(name)
      #expect(throws: SoundFileError.unknownOutputFormat(path: url.path)) {
        try SoundFile.write([0], channels: 1, sampleRate: 8000, to: url)
      }
    }
    let url = dir.at("x.wav")
    #expect(throws: SoundFileError.self) { try SoundFile.write([0, 0, 0], channels: 2, sampleRate: 8000, to: url) }
    #expect(throws: SoundFileError.self) { try SoundFile.write([0], channels: 1, sampleRate: 0, to: url) }
    #expect(throws: SoundFileError.self) { try SoundFile.write([.nan], channels: 1, sampleRate: 8000, to: url) }
    #expect(!FileManager.default.fileExists(atPath: url.path))
    #expect(
      "\(SoundFileError.unknownOutputFormat(path: "/a/b.mp4"))"
        == "/a/b.mp4: unknown output format; use the extension .wav, .flac or .ogg")
  }

  // MARK: Bad input

  /// Every read error names the file and is one line.
  func expectOneLineNaming(_ url: URL, _ body: () throws -> Void) -> SoundFileError? {
    do {
      try body()
      Issue.record("reading \(url.lastPathComponent) should have failed")
      return nil
    } catch let error as SoundFileError {
      let text = "\(error)"
      #expect(text.hasPrefix(url.path + ": "), "\(text)")
      #expect(!text.contains("\n"))
      return error
    } catch {
      Issue.record("untyped error \(error)")
      return nil
    }
  }

  @Test func notAnAudioFileGivesLibsndfilesMessage() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = try dir.file("notes.wav", Array("this is not audio, just text pretending\n".utf8))
    let error = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
    guard case .unreadable(_, let message) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(message.lowercased().contains("format"), "libsndfile's message: \(message)")
    let memory = #expect(throws: SoundFileError.self) { try SoundFile.read(data: Data("garbage".utf8), name: "blob") }
    #expect(memory?.description.hasPrefix("blob: ") == true)
  }

  @Test func missingFilesAndDirectoriesAreUnreadable() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    _ = expectOneLineNaming(dir.at("nope.wav")) { _ = try SoundFile.read(dir.at("nope.wav")) }
    _ = expectOneLineNaming(dir.url) { _ = try SoundFile.read(dir.url) }
  }

  @Test func truncatedWAVIsAnError() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let full = WAV.bytes(data: WAV.pcm16(sine(frequency: 300, seconds: 0.5, rate: 8000)))
    // Cut in the middle of the data (the header still declares all of it), and inside the header.
    for (name, cut) in [("half.wav", full.count / 2), ("header.wav", 30)] {
      let url = try dir.file(name, Array(full.prefix(cut)))
      let error = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
      if name == "half.wav" {
        guard case .truncated(_, let declared, let present) = error else {
          Issue.record("got \(String(describing: error))")
          continue
        }
        #expect(declared == 4000 && present < 2000)
      }
    }
  }

  @Test func truncatedFLACIsAnError() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let full = try [UInt8](Data(contentsOf: speechFixtures.appendingPathComponent("agent-pass.flac")))
    for (name, cut) in [("cut.flac", full.count / 2), ("tiny.flac", 20)] {
      let url = try dir.file(name, Array(full.prefix(cut)))
      _ = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
    }
  }

  @Test func zeroLengthAudioIsAnError() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = try dir.file("empty.wav", WAV.bytes(data: []))
    let error = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
    #expect(error == .empty(path: url.path) || { if case .unreadable = error { true } else { false } }())
    let zeroBytes = try dir.file("zero.flac", [])
    _ = expectOneLineNaming(zeroBytes) { _ = try SoundFile.read(zeroBytes) }
  }

  @Test(arguments: [0, 5_000_000])
  func absurdSampleRatesAreRejected(rate: Int) throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = try dir.file("rate.wav", WAV.bytes(sampleRate: rate, data: WAV.pcm16([0.1, 0.2, 0.3])))
    _ = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
  }

  @Test func moreChannelsThanTheLimitAreRejected() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = try dir.file("six.wav", WAV.bytes(channels: 6, data: WAV.pcm16([Float](repeating: 0.1, count: 60))))
    #expect(try SoundFile.read(url).channels == 6)
    let error = expectOneLineNaming(url) { _ = try SoundFile.read(url, limits: .init(maxChannels: 2)) }
    #expect(error == .outOfRange(path: url.path, what: "6 channels (at most 2 accepted)"))
  }

  @Test func lengthIsCheckedAgainstTheLimitBeforeAllocating() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = try dir.file("long.wav", WAV.bytes(channels: 2, data: WAV.pcm16([Float](repeating: 0, count: 2000))))
    let error = expectOneLineNaming(url) { _ = try SoundFile.read(url, limits: .init(maxSamples: 1000)) }
    guard case .outOfRange(_, let what) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(what.contains("1000 frames × 2 channels"))
    // A header that declares 4 GiB of data in a tiny file must not make us allocate it.
    let liar = try dir.file("liar.wav", WAV.bytes(data: WAV.pcm16([0.1, 0.2]), declaredDataBytes: 0xFFFF_FFF0))
    switch Result(catching: { () throws(SoundFileError) in try SoundFile.read(liar) }) {
    case .success(let audio): #expect(audio.samples.count <= 2)
    case .failure(let error): #expect("\(error)".hasPrefix(liar.path))
    }
  }

  /// A FLAC header is only a claim: a 3 KB file whose STREAMINFO declares 2²⁸ samples (1 GiB of
  /// floats, just within the per-file limit) must fail as truncated without that allocation.
  @Test func aCompressedHeaderClaimingHugeLengthAllocatesOnlyWhatDecodes() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = dir.url.appendingPathComponent("liar.flac")
    try SoundFile.write((0..<2000).map { sin(Float($0) * 0.05) * 0.5 }, channels: 1, sampleRate: 8000, to: url)
    var bytes = [UInt8](try Data(contentsOf: url))
    // "fLaC", a 4-byte block header, then STREAMINFO: 36 bits of total samples end at byte 25.
    #expect(bytes.count < 16_384 && Array(bytes[0..<4]) == Array("fLaC".utf8))
    bytes[21] &= 0xF0
    bytes.replaceSubrange(22..<26, with: [0x10, 0x00, 0x00, 0x00])
    try Data(bytes).write(to: url)
    let before = peakResidentBytes()
    let error = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
    guard case .truncated(_, let declared, let present) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(declared == 1 << 28 && present == 2000)
    #expect(
      peakResidentBytes() - before < 256 << 20,
      "reading grew the peak RSS by \((peakResidentBytes() - before) >> 20) MiB")
  }

  /// The process's peak resident memory so far (getrusage's ru_maxrss, in bytes).
  func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
  }

  @Test func nanSamplesInFloatWAVAreRejected() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let good = try dir.file(
      "good.wav", WAV.bytes(bitsPerSample: 32, formatTag: 3, data: WAV.float32([0.25, -0.5, 0.75])))
    #expect(try SoundFile.read(good).samples == [0.25, -0.5, 0.75])
    let url = try dir.file(
      "nan.wav", WAV.bytes(bitsPerSample: 32, formatTag: 3, data: WAV.float32([0.25, .nan, 0.75])))
    let error = expectOneLineNaming(url) { _ = try SoundFile.read(url) }
    #expect(error == .nonFiniteSample(path: url.path, frame: 1, channel: 0))
    let inf = try dir.file(
      "inf.wav", WAV.bytes(channels: 2, bitsPerSample: 32, formatTag: 3, data: WAV.float32([0, 0, 0, .infinity])))
    #expect(throws: SoundFileError.nonFiniteSample(path: inf.path, frame: 1, channel: 1)) { try SoundFile.read(inf) }
  }

  // MARK: Resampling

  @Test func resamplingKeepsFrequencyAndScalesLength() throws {
    let tone = sine(frequency: 500, seconds: 1, rate: 8000)
    let up = try SoundFile.resample(tone, channels: 1, from: 8000, to: 16000)
    #expect(up.count == 16000)
    func crossings(_ x: [Float]) -> Int { zip(x, x.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count }
    #expect(abs(crossings(up) - 500) <= 2)
    let down = try SoundFile.resample(up, channels: 1, from: 16000, to: 11025)
    #expect(down.count == 11025)
    #expect(abs(crossings(down) - 500) <= 2)
    // Amplitude is kept (away from the edges).
    #expect(abs(up[2000..<14000].max()! - 0.5) < 0.01)
    // Stereo stays interleaved: each channel resampled on its own.
    let stereo = zip(tone, tone.map { -$0 }).flatMap { [$0, $1] }
    let s2 = try SoundFile.resample(stereo, channels: 2, from: 8000, to: 16000)
    #expect(s2.count == 32000)
    #expect(stride(from: 0, to: s2.count, by: 2).allSatisfy { abs(s2[$0] + s2[$0 + 1]) < 1e-5 })
    #expect(try SoundFile.resample(tone, channels: 1, from: 8000, to: 8000) == tone)
  }

  @Test func resamplingRejectsImpossibleRatios() {
    #expect(throws: SoundFileError.self) { try Resampler().resample([0, 1], channels: 1, from: 8000, to: 8000 * 1000) }
    #expect(throws: SoundFileError.self) { try Resampler().resample([0, 1, 2], channels: 2, from: 8000, to: 16000) }
    #expect(throws: SoundFileError.self) { try Resampler().resample([0, 1], channels: 1, from: 0, to: 16000) }
  }
}
