import Foundation
import SeqGenEngine
import SeqGenTestSupport
import SoundIO
import Testing

@testable import AudioDomain

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Tiny settings so tests train in milliseconds.
let tinyCodec = AudioCodec(sampleRate: 0, frameSize: 4, mlpHiddenSize: 8, embeddingSize: 4)

@Suite struct AudioDomainTests {
  // MARK: The shared conformance suite

  @Test func passesTheSharedConformanceChecks() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let corpus = ["added.flac", "dir-multi2.flac"].map { speechFixtures.appendingPathComponent($0) }
    let bad = try BadAudio.all(in: dir)
    try DomainConformance.check(AudioDomain(settings: tinyCodec), corpus: corpus, badFiles: bad.map(\.url))
  }

  /// A few dozen steps of a tiny two-tier model on one real clip already beat the mu-law
  /// unigram: the head and the frame LSTM learn together.
  @Test func aTinyModelLearnsSpeechBeyondTheUnigram() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = speechFixtures.appendingPathComponent("agent-loginok.flac")
    let domain = try AudioDomain(settings: AudioCodec(sampleRate: 0, frameSize: 4, mlpHiddenSize: 16, embeddingSize: 4))
      .resolved(for: [file])
    let sequences = try domain.read([file])
    var options = TrainingOptions.tiny(hiddenSize: 16, batchSize: 4, seqLength: 16, steps: 60)
    options.learningRate = 1e-2
    options.valFraction = 0.1
    let trainer = try Trainer(
      domain: domain, sequences: sequences, dataPaths: [], options: options, run: RunDirectory(dir.at("run")),
      resume: false)
    let before = trainer.validationLoss.bitsPerStep / 4
    try trainer.run()
    let after = trainer.validationLoss.bitsPerStep / 4
    let (train, validation) = trainer.options.split(sequences)
    let unigram = try #require(
      AudioStatistics.unigramBitsPerSample(train: train.map(\.steps), validation: validation.map(\.steps), levels: 256))
    #expect(before > 7.5, "an untrained head is near uniform over 256 levels: \(before) bits/sample")
    #expect(after < unigram, "after 60 steps \(after) bits/sample, unigram \(unigram)")
  }

  /// Audio holds out whole recordings unless told otherwise (a short prompt's tail is mostly
  /// its trailing silence), the choice is kept in the manifest, and a run saved before the
  /// choice existed resumes with the tail split it was trained with.
  @Test func validationHoldsOutWholeRecordings() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let names = ["activated.flac", "added.flac", "agent-loggedoff.flac", "agent-loginok.flac", "dir-multi2.flac"]
    let files = names.map { speechFixtures.appendingPathComponent($0) }
    let domain = try AudioDomain(settings: tinyCodec).resolved(for: files)
    let sequences = try domain.read(files)
    var options = TrainingOptions.tiny(steps: 2)
    options.valFraction = 0.2
    let run = RunDirectory(dir.at("run"))
    let trainer = try Trainer(
      domain: domain, sequences: sequences, dataPaths: [], options: options, run: run, resume: false)
    #expect(trainer.options.valSplit == .files)
    #expect(!trainer.heldOutFiles.isEmpty && trainer.heldOutFiles.count < names.count)
    let held = sequences.filter { trainer.heldOutFiles.contains($0.source) }
    #expect(trainer.validationSteps == held.reduce(0) { $0 + $1.steps.count - 1 })
    try trainer.run()
    #expect(try run.manifest().training.valSplit == .files)

    options.valSplit = .tail
    let tail = try Trainer(
      domain: domain, sequences: sequences, dataPaths: [], options: options, run: RunDirectory(dir.at("tail")),
      resume: false)
    #expect(tail.heldOutFiles.isEmpty && tail.options.valSplit == .tail)

    // A manifest saved before the choice existed has no valSplit: it reads as the tail split.
    var old = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingOptions())) as? [String: Any])
    old["valSplit"] = nil
    let decoded = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: old))
    #expect(decoded.valSplit == nil)
    #expect(decoded.split(sequences).validation.count == names.count)
  }

  /// Each bad input gives the error it should, naming the file, on one line.
  @Test func eachBadInputHasItsOwnClearError() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    for bad in try BadAudio.all(in: dir) {
      #expect(throws: (any Error).self, "\(bad.url.lastPathComponent)") {
        _ = try AudioDomain(settings: tinyCodec).read([bad.url])
      }
      do {
        _ = try AudioDomain(settings: tinyCodec).read([bad.url])
      } catch {
        let text = "\(error)"
        #expect(text.hasPrefix(bad.url.path + ": "), "\(text)")
        #expect(
          text.lowercased().contains(bad.expect.lowercased()),
          "\(bad.url.lastPathComponent): '\(text)' should mention '\(bad.expect)'")
        #expect(!text.contains("\n"))
      }
    }
  }

  // MARK: Quantisation

  @Test(arguments: Quantization.allCases)
  func quantisationIsMonotoneAndRoundTrips(q: Quantization) {
    var previous = -1
    for i in -1000...1000 {
      let level = q.level(Float(i) / 1000, levels: 256)
      #expect(level >= previous && level >= 0 && level < 256)
      previous = level
    }
    #expect(q.level(-1, levels: 256) == 0 && q.level(1, levels: 256) == 255)
    #expect(q.level(-7, levels: 256) == 0 && q.level(7, levels: 256) == 255)
    for level in 0..<256 { #expect(q.level(q.value(level, levels: 256), levels: 256) == level) }
  }

  @Test func muLawSpendsLevelsOnQuietSamples() {
    let mu = Quantization.mulaw
    let lin = Quantization.linear
    // Quiet speech at −40 dBFS spans many mu-law levels but only one or two linear ones.
    let quiet: Float = 0.01
    #expect(mu.level(quiet, levels: 256) - mu.level(-quiet, levels: 256) > 20)
    #expect(lin.level(quiet, levels: 256) - lin.level(-quiet, levels: 256) <= 3)
    #expect(abs(mu.value(mu.level(0, levels: 256), levels: 256)) < 1e-3)
  }

  // MARK: Reading

  @Test func readingMixesDownToMonoAndResamplesToTheModelRate() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let left = sine(frequency: 400, seconds: 0.5, rate: 16000, amplitude: 0.6)
    let stereo = left.flatMap { [$0, Float(0)] }
    let url = dir.at("stereo.wav")
    try SoundFile.write(stereo, channels: 2, sampleRate: 16000, to: url)
    var settings = tinyCodec
    settings.sampleRate = 8000
    settings.quantization = .linear
    let domain = AudioDomain(settings: settings)
    let sequences = try domain.read([url])
    #expect(sequences.count == 1)
    #expect(sequences[0].steps.count == 4000 / 4)
    let codec = try domain.makeCodec(for: sequences)
    #expect(codec.sampleRate == 8000)
    let x = domain.waveform(sequences[0].steps, codec: codec)
    // The mean of a 0.6 sine and silence peaks near 0.3.
    #expect(abs(x[500..<3500].max()! - 0.3) < 0.02)
  }

  @Test func theDefaultRateIsTheCorpusRateWhenShared() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let a = dir.at("a.wav")
    let b = dir.at("b.wav")
    let c = dir.at("c.flac")
    try SoundFile.write(sine(frequency: 300, seconds: 0.1, rate: 11025), channels: 1, sampleRate: 11025, to: a)
    try SoundFile.write(sine(frequency: 300, seconds: 0.1, rate: 11025), channels: 1, sampleRate: 11025, to: b)
    try SoundFile.write(sine(frequency: 300, seconds: 0.1, rate: 22050), channels: 1, sampleRate: 22050, to: c)
    let shared = try AudioDomain(settings: tinyCodec).resolved(for: [a, b])
    #expect(try shared.makeCodec(for: shared.read([a, b])).sampleRate == 11025)
    // Reading without resolving reads at the rate the decoded files share, too.
    #expect(try AudioDomain(settings: tinyCodec).read([a, b]).map(\.steps.count) == [1102 / 4, 1102 / 4])
    #expect(throws: AudioError.self) { try AudioDomain(settings: tinyCodec).makeCodec(for: []) }
    let mixed = try AudioDomain(settings: tinyCodec).resolved(for: [dir.url])
    let sequences = try mixed.read([dir.url])
    #expect(try mixed.makeCodec(for: sequences).sampleRate == 16000)
    // 0.1 s is 1102 frames at 11025 Hz, 1599 at 16000; 2205 at 22050, 1600 at 16000.
    #expect(sequences.map(\.steps.count) == [1599 / 4, 1599 / 4, 1600 / 4])
  }

  @Test func directoriesAreSearchedForAudioFilesOnly() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try FileManager.default.createDirectory(at: dir.at("b"), withIntermediateDirectories: true)
    try SoundFile.write(
      sine(frequency: 300, seconds: 0.05, rate: 8000), channels: 1, sampleRate: 8000, to: dir.at("b/x.flac"))
    try dir.file("readme.txt", Array("not audio".utf8))
    try SoundFile.write(
      sine(frequency: 300, seconds: 0.05, rate: 8000), channels: 1, sampleRate: 8000, to: dir.at("a.wav"))
    #expect(try AudioReader.files(at: dir.url).map(\.lastPathComponent) == ["a.wav", "x.flac"])
    let empty = try TempDir()
    defer { empty.remove() }
    #expect(throws: AudioError.self) { try AudioReader.files(at: empty.url) }
  }

  /// Each frame carries the `window` samples before it, across frame boundaries, with silence
  /// before the file's first sample: the targets the head trains on hold real history.
  @Test func framesCarryTheSamplesBeforeThemFromTheStartOfTheFile() throws {
    let codec = AudioCodec(sampleRate: 8000, frameSize: 3, window: 4, quantization: .linear)
    let x: [Float] = (0..<10).map { Float($0) / 10 }
    let levels = x.map(codec.level)
    let silence = codec.level(0)
    #expect(silence == codec.levels / 2, "the head's padding at a start (Q/2) is the domain's silence")
    let frames = AudioReader.frames(x, codec: codec)
    #expect(frames.map(\.levels) == [Array(levels[0..<3]), Array(levels[3..<6]), Array(levels[6..<9])])
    #expect(frames[0].context == [silence, silence, silence, silence])
    #expect(frames[1].context == [silence] + levels[0..<3])
    #expect(frames[2].context == Array(levels[2..<6]))
    #expect(try AudioDomain().target(frames[2], codec: codec) == Array(levels[2..<9]))
    #expect(AudioDomain().step(from: Array(levels[2..<9]), codec: codec) == frames[2])
    // Frame size 1 with no window: the plain one-tier target, one level.
    let oneTier = AudioCodec(sampleRate: 8000, frameSize: 1, window: 0, quantization: .linear)
    #expect(
      try AudioReader.frames(x, codec: oneTier).map { try AudioDomain().target($0, codec: oneTier) }
        == levels.map { [$0] })
  }

  /// Generation hands the head the frame the LSTM has just read, its window included: two
  /// primes with the same levels but different samples before them (the LSTM reads only the
  /// levels) generate different audio from one seed, and each drawn frame carries the samples
  /// before it as its window, here reaching back past the previous frame.
  @Test func generationSlidesTheWindowAcrossFrames() throws {
    let codec = AudioCodec(sampleRate: 8000, frameSize: 4, window: 6, mlpHiddenSize: 8, embeddingSize: 4)
    let domain = AudioDomain(settings: codec)
    let head = domain.makeHead(codec)
    let config = ModelConfig(
      input: domain.inputKind(codec), hiddenSize: 8, numLayers: 1, dropout: 0, outputSize: head.outputSize,
      headParameters: head.parameterSpecs)
    let model = Model(config: config, head: head, maxSteps: 1, batch: 1)
    var rng = SeededGenerator(seed: 4)
    model.initialize(rng: &rng)
    let generator = Generator(domain: domain, codec: codec, config: config, params: model.params)
    let levels = [120, 140, 128, 131]
    func generate(after context: [Int]) throws -> [AudioFrame] {
      try generator.generate(
        prime: [AudioFrame(levels: levels, context: context)], length: 12, count: 1, controls: SamplingControls(),
        seed: 9)[0]
    }
    let quiet = try generate(after: [128, 128, 128, 128, 128, 128])
    let loud = try generate(after: [0, 255, 10, 240, 30, 200])
    #expect(quiet.map(\.levels) != loud.map(\.levels), "the prime's window reaches the first drawn samples")
    var history = [128, 128, 128, 128, 128, 128] + levels
    for frame in quiet {
      #expect(frame.context == Array(history.suffix(6)))
      history += frame.levels
    }
  }

  @Test func silenceTrimmingAndPeakNormalisation() {
    let x: [Float] = [Float](repeating: 0, count: 1000) + [0.1, -0.25, 0.2] + [Float](repeating: 0.0001, count: 1000)
    let trimmed = AudioReader.trimSilence(x, thresholdDB: -40, rate: 8000)
    #expect(trimmed.count == 3 + 2 * 80)
    let loud = AudioReader.normalizePeak(trimmed, peakDB: 0)
    #expect(abs(loud.map(abs).max()! - 1) < 1e-6)
    #expect(AudioReader.normalizePeak([0, 0], peakDB: -1) == [0, 0])
    #expect(AudioReader.trimSilence([0, 0], thresholdDB: -40, rate: 8000).isEmpty)
  }

  /// Pre-emphasis is undone exactly on the way out, and it tilts noise added in the model's
  /// domain (sampling, quantisation) towards low frequencies: white noise drawn there comes out
  /// with ≥ 10 dB less power in the top quarter of the band than in the bottom quarter.
  @Test func preEmphasisRoundTripsAndShapesNoise() throws {
    let codec = AudioCodec(sampleRate: 8000, preEmphasis: 0.85)
    let x = sine(frequency: 300, seconds: 0.25, rate: 8000, amplitude: 0.4)
    let y = codec.emphasize(x)
    #expect(abs(y[1] - (x[1] - 0.85 * x[0])) < 1e-7 && y[0] == x[0])
    #expect(zip(codec.deemphasize(y), x).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(y.map(abs).max()! < x.map(abs).max()! / 2, "a low tone is attenuated before quantising")
    #expect(AudioCodec(sampleRate: 8000).emphasize(x) == x && AudioCodec(sampleRate: 8000).deemphasize(x) == x)
    var rng = SeededGenerator(seed: 4)
    let noise = (0..<8192).map { _ in (rng.nextFloat() - 0.5) * 0.1 }
    let spectrum = AudioStatistics.averagePowerSpectrum(codec.deemphasize(noise), window: 256)
    let low = spectrum[1..<32].reduce(0, +)
    let high = spectrum[96..<128].reduce(0, +)
    #expect(10 * log10(low / high) > 10)
    #expect(codec.deemphasize([1, 1, 1]).allSatisfy { $0 <= 1 }, "clipped to full scale")
    // Read through a file, the model's samples are the emphasised ones, and waveform undoes it.
    let dir = try TempDir()
    defer { dir.remove() }
    try SoundFile.write(x, channels: 1, sampleRate: 8000, to: dir.at("tone.wav"))
    let domain = AudioDomain(
      settings: AudioCodec(sampleRate: 8000, frameSize: 4, quantization: .linear, preEmphasis: 0.85))
    let frames = try domain.read([dir.at("tone.wav")])[0].steps
    let back = domain.waveform(frames, codec: domain.settings)
    let error = zip(back, x).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / Double(back.count)
    #expect(
      10 * log10(AudioStatistics.rms(x) * AudioStatistics.rms(x) / error) > 25, "the 8-bit round trip keeps the tone")
  }

  // MARK: Codec

  @Test func codecRoundTripsThroughJSONAndRejectsNonsense() throws {
    let codec = AudioCodec(
      sampleRate: 8000, frameSize: 16, quantization: .linear, trimSilenceDB: -50, normalizePeakDB: -1,
      preEmphasis: 0.85, mlpHiddenSize: 32, embeddingSize: 8)
    #expect(try JSONDecoder().decode(AudioCodec.self, from: JSONEncoder().encode(codec)) == codec)
    let good = String(decoding: try JSONEncoder().encode(codec), as: UTF8.self)
    #expect(codec.window == 16, "the window defaults to the frame size, as SampleRNN")
    for (key, bad) in [
      ("\"frameSize\":16", "\"frameSize\":0"), ("\"sampleRate\":8000", "\"sampleRate\":-5"),
      ("\"levels\":256", "\"levels\":100000"),
      ("\"window\":16", "\"window\":-1"), ("\"preEmphasis\":0.85", "\"preEmphasis\":1"),
      ("\"inputSamples\":16", "\"inputSamples\":40"),
    ] {
      #expect(good.contains(key))
      #expect(throws: DecodingError.self) {
        try JSONDecoder().decode(AudioCodec.self, from: Data(good.replacingOccurrences(of: key, with: bad).utf8))
      }
    }
    // A model saved before pre-emphasis existed has none.
    let plain = good.replacingOccurrences(of: "\"preEmphasis\":0.85,", with: "").replacingOccurrences(
      of: ",\"preEmphasis\":0.85", with: "")
    #expect(!plain.contains("preEmphasis"))
    #expect(try JSONDecoder().decode(AudioCodec.self, from: Data(plain.utf8)).preEmphasis == 0)
    // A model saved before the window crossed frames has another head: a clear refusal.
    let old = good.replacingOccurrences(of: "\"window\":16,", with: "").replacingOccurrences(
      of: ",\"window\":16", with: "")
    #expect(!old.contains("window"))
    do {
      _ = try JSONDecoder().decode(AudioCodec.self, from: Data(old.utf8))
      Issue.record("a codec without a window decoded")
    } catch {
      #expect("\(error)".contains("older seqgen"), "\(error)")
    }
  }

  @Test func framesOutsideTheCodecAreRejected() throws {
    let codec = AudioCodec(sampleRate: 8000, frameSize: 2)
    #expect(throws: AudioError.self) { try AudioDomain().input(AudioFrame(levels: [1, 2, 3]), codec: codec) }
    #expect(throws: AudioError.self) { try AudioDomain().target(AudioFrame(levels: [1, 256]), codec: codec) }
    #expect(throws: AudioError.self) {
      try AudioDomain().target(AudioFrame(levels: [1, 2], context: [3]), codec: codec)
    }
    #expect(try AudioDomain().target(AudioFrame(levels: [1, 2], context: [3, 4]), codec: codec) == [3, 4, 1, 2])
    #expect(try AudioDomain().input(AudioFrame(levels: [0, 255]), codec: codec) == .dense([-1, 1]))
  }

  /// `--input-samples` hands the LSTM the frame and the samples just before it, from the window
  /// the frame carries; nothing beyond that window can be asked for.
  @Test func theLSTMCanReadSamplesBeforeTheFrame() throws {
    let codec = AudioCodec(sampleRate: 8000, frameSize: 2, window: 3, inputSamples: 4)
    #expect(AudioDomain().inputKind(codec) == .dense(width: 4))
    #expect(
      try AudioDomain().input(AudioFrame(levels: [255, 0], context: [51, 0, 255]), codec: codec)
        == .dense([-1, 1, 1, -1]))
    #expect(throws: AudioError.self) {
      try AudioDomain().input(AudioFrame(levels: [255, 0], context: [0]), codec: codec)
    }
    #expect(AudioCodec(sampleRate: 8000, frameSize: 16).inputSamples == 16)
    for bad in [1, 6] {
      #expect(throws: AudioError.self) {
        try AudioCodec(sampleRate: 8000, frameSize: 2, window: 3, inputSamples: bad).validate()
      }
    }
  }

  // MARK: Priming and writing

  @Test func primeTakesTheFirstSecondsOfAFileOrOneSilentFrame() throws {
    let codec = AudioCodec(sampleRate: 8000, frameSize: 16)
    let domain = AudioDomain()
    let url = speechFixtures.appendingPathComponent("added.flac")
    let half = try domain.prime(PrimeRequest(file: url, seconds: 0.5), codec: codec)
    #expect(half.count == 4000 / 16)
    let all = try domain.prime(PrimeRequest(file: url), codec: codec)
    #expect(all.count == 5785 / 16)
    #expect(Array(all.prefix(half.count)) == half)
    let silent = try domain.prime(PrimeRequest(), codec: codec)
    #expect(silent == [domain.silence(codec)])
    #expect(throws: AudioError.self) { try domain.prime(PrimeRequest(file: url, seconds: 0.001), codec: codec) }
  }

  @Test func writeJoinsSamplesAndClipURLsNumberThem() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let codec = AudioCodec(sampleRate: 8000, frameSize: 2)
    let frame = AudioFrame(levels: [200, 60])
    try AudioDomain().write([[frame, frame], [frame]], codec: codec, to: dir.at("both.flac"))
    #expect(try SoundFile.readAudio(dir.at("both.flac")).frames == 4 + 4000 + 2)
    #expect(OutputFiles.numbered(dir.at("c.wav"), count: 1) == [dir.at("c.wav")])
    #expect(OutputFiles.numbered(dir.at("c.wav"), count: 2).map(\.lastPathComponent) == ["c-1.wav", "c-2.wav"])
  }

  // MARK: Statistics and the picture

  @Test func flatnessTellsNoiseFromToneAndRMSIsRight() {
    var rng = SeededGenerator(seed: 1)
    let noise = (0..<8000).map { _ in rng.nextFloat() - 0.5 }
    let tone = sine(frequency: 440, seconds: 1, rate: 8000, amplitude: 0.5)
    #expect(AudioStatistics.spectralFlatness(noise)! > 0.75)
    #expect(AudioStatistics.spectralFlatness(tone)! < 0.05)
    #expect(abs(AudioStatistics.rms(tone) - 0.5 / 2.0.squareRoot()) < 1e-3)
    #expect(AudioStatistics.spectralFlatness([0, 0, 0]) == nil)
    #expect(AudioStatistics.spectralFlatness([Float](repeating: 0, count: 1024)) == nil)
  }

  /// The reference points for judging generated clips, measured with the same code: real speech
  /// after the mu-law round trip is far from flat, mu-law-quantised white noise is near 1.
  @Test func flatnessOfRealSpeechAndOfNoiseAfterMuLaw() throws {
    let domain = try AudioDomain(settings: AudioCodec(sampleRate: 0, frameSize: 16)).resolved(for: [speechFixtures])
    let sequences = try domain.read([speechFixtures])
    let codec = try domain.makeCodec(for: sequences)
    #expect(codec.sampleRate == 8000)
    let speech = sequences.map { domain.waveform($0.steps, codec: codec) }
    let flatness = speech.compactMap { AudioStatistics.spectralFlatness($0) }
    var rng = SeededGenerator(seed: 2)
    let noise = (0..<16000).map { _ in codec.value(codec.level(Float(rng.nextGaussian()) * 0.3)) }
    let noiseFlatness = try #require(AudioStatistics.spectralFlatness(noise))
    print(
      String(
        format:
          "reference: speech flatness after mu-law %.3f...%.3f (mean %.3f, %d files), RMS %.1f dBFS; white noise %.3f",
        flatness.min()!, flatness.max()!, flatness.reduce(0, +) / Double(flatness.count), flatness.count,
        AudioStatistics.rmsDB(speech.flatMap { $0 }), noiseFlatness))
    #expect(flatness.allSatisfy { $0 < 0.5 })
    #expect(noiseFlatness > 0.75 && noiseFlatness < 0.95)
  }

  /// Harmonicity separates what flatness cannot: real speech is periodic in most loud frames,
  /// white and low-passed noise in none, a pitched tone in all.
  @Test func harmonicityOfSpeechNoiseAndTone() throws {
    let domain = try AudioDomain(settings: AudioCodec(sampleRate: 0, frameSize: 16)).resolved(for: [speechFixtures])
    let sequences = try domain.read([speechFixtures])
    let codec = try domain.makeCodec(for: sequences)
    let speech = sequences.compactMap {
      AudioStatistics.harmonicity(domain.waveform($0.steps, codec: codec), rate: 8000)
    }
    var rng = SeededGenerator(seed: 3)
    let noise = (0..<16000).map { _ in codec.value(codec.level(Float(rng.nextGaussian()) * 0.3)) }
    var smooth: Float = 0
    let lowPassed = noise.map {
      smooth = 0.9 * smooth + 0.1 * $0
      return smooth * 4
    }
    let noiseHNR = try #require(AudioStatistics.harmonicity(noise, rate: 8000))
    let lowPassedHNR = try #require(AudioStatistics.harmonicity(lowPassed, rate: 8000))
    print(
      String(
        format:
          "reference: harmonicity of speech after mu-law %.1f...%.1f dB (%d files); noise %.1f dB, low-passed noise %.1f dB",
        speech.min()!, speech.max()!, speech.count, noiseHNR, lowPassedHNR))
    #expect(speech.count == sequences.count && speech.allSatisfy { $0 > 5 })
    #expect(noiseHNR < -5 && lowPassedHNR < -5)
    #expect(try #require(AudioStatistics.harmonicity(sine(frequency: 150, seconds: 1, rate: 8000), rate: 8000)) > 25)
    #expect(AudioStatistics.harmonicity([Float](repeating: 0, count: 8000), rate: 8000) == nil)
    #expect(AudioStatistics.harmonicity([0.5, -0.5], rate: 8000) == nil)
  }

  /// Level spread tells syllables and pauses from a steady sound, periodic or not.
  @Test func levelSpreadOfSpeechAndOfSteadySound() throws {
    let domain = try AudioDomain(settings: AudioCodec(sampleRate: 0, frameSize: 16)).resolved(for: [speechFixtures])
    let sequences = try domain.read([speechFixtures])
    let codec = try domain.makeCodec(for: sequences)
    let speech = sequences.compactMap {
      AudioStatistics.levelSpread(domain.waveform($0.steps, codec: codec), rate: 8000)
    }
    print(String(format: "reference: level spread of speech after mu-law %.1f...%.1f dB", speech.min()!, speech.max()!))
    #expect(speech.count == sequences.count && speech.allSatisfy { $0 > 6 })
    let tone = sine(frequency: 150, seconds: 2, rate: 8000)
    #expect(try #require(AudioStatistics.levelSpread(tone, rate: 8000)) < 0.01)
    let bursts = tone.enumerated().map { $0.offset % 3200 < 1600 ? $0.element : $0.element / 10 }
    #expect(
      abs(try #require(AudioStatistics.levelSpread(bursts, rate: 8000)) - 10) < 0.01,
      "half the frames 20 dB below the others")
    let leadIn = [Float](repeating: 0, count: 8000) + tone
    #expect(try #require(AudioStatistics.levelSpread(leadIn, rate: 8000)) < 0.01, "silence does not count")
    #expect(AudioStatistics.levelSpread([0.5], rate: 8000) == nil)
    #expect(AudioStatistics.levelSpread([Float](repeating: 0, count: 800), rate: 8000) == nil)
  }

  @Test func waveformSVGIsWellFormed() throws {
    let svg = WaveformPlot.svg(
      [sine(frequency: 300, seconds: 0.5, rate: 8000), []], rate: 8000, title: "a <b> & c", primeSeconds: 0.1)
    #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    #expect(svg.contains("a &lt;b&gt; &amp; c"))
    #expect(svg.contains("<polygon") && svg.contains("fill=\"#"))
    #expect(XMLParser(data: Data(svg.utf8)).parse(), "the SVG parses as XML")
  }
}

/// Files the audio reader must reject, with a word its error must contain.
struct BadAudio {
  let url: URL
  let expect: String

  static func all(in dir: TempDir) throws -> [BadAudio] {
    let pcm = WAV.pcm16(sine(frequency: 300, seconds: 0.2, rate: 8000))
    let flac = try [UInt8](Data(contentsOf: speechFixtures.appendingPathComponent("agent-pass.flac")))
    return [
      BadAudio(url: try dir.file("text.wav", Array("RIFF? no, just words\n".utf8)), expect: "format"),
      BadAudio(url: try dir.file("truncated.wav", Array(WAV.bytes(data: pcm).prefix(1000))), expect: "truncated"),
      BadAudio(url: try dir.file("truncated.flac", Array(flac.prefix(flac.count / 3))), expect: "truncated"),
      BadAudio(url: try dir.file("empty.wav", WAV.bytes(data: [])), expect: "zero frames"),
      BadAudio(url: try dir.file("rate0.wav", WAV.bytes(sampleRate: 0, data: pcm)), expect: "zero sample rate"),
      BadAudio(
        url: try dir.file("rate-absurd.wav", WAV.bytes(sampleRate: 2_000_000_000, data: pcm)), expect: "ample rate"),
      BadAudio(
        url: try dir.file(
          "nine-channels.wav", WAV.bytes(channels: 9, data: WAV.pcm16([Float](repeating: 0.1, count: 900)))),
        expect: "9 channels"),
      BadAudio(
        url: try dir.file(
          "nan.wav", WAV.bytes(bitsPerSample: 32, formatTag: 3, data: WAV.float32([0.1, .nan, 0.2, 0.3, 0.1, 0.2]))),
        expect: "not a finite number"),
      BadAudio(url: try dir.file("short.wav", WAV.bytes(data: WAV.pcm16([0.1, 0.2, 0.3]))), expect: "too short"),
      BadAudio(url: try dir.file("zero-bytes.flac", []), expect: "format not recognised"),
    ]
  }
}

/// The domain's generation options as JSON: every field optional, defaults as on the command line.
@Suite struct AudioGenerationOptionsCodingTests {
  @Test func leftOutFieldsTakeTheirDefaults() throws {
    #expect(try AudioGenerationOptions.decode(withDefaults: Data("{}".utf8)) == AudioGenerationOptions())
    let some = try AudioGenerationOptions.decode(withDefaults: Data(#"{"seconds": 3, "stripPrime": true}"#.utf8))
    #expect(some.seconds == 3 && some.stripPrime)
    #expect(try AudioGenerationOptions.decode(withDefaults: try JSONEncoder().encode(some)) == some)
  }
}
