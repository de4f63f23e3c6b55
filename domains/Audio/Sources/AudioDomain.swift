import Foundation
import SeqGenEngine
import SoundIO

/// Raw audio as a sequence of frames, modelled SampleRNN-style (Mehri et al. 2017): the shared
/// LSTM steps once per frame of `frameSize` samples, reading the previous frame, and the
/// `FrameHead` draws the next frame's samples one by one as 256-way softmaxes.
///
/// Files are decoded by libsndfile (any format it reads), mixed down to mono, resampled to the
/// model rate with libsamplerate, optionally trimmed and peak-normalised, and quantised (mu-law
/// by default). One file is one sequence: the state is zeroed between files.
public struct AudioDomain: SequenceDomain {
  public typealias Step = AudioFrame
  public typealias Head = FrameHead

  public static let name = "audio"
  public static let stepUnit = "frame"
  /// Whole recordings: the tail of a short recording is its fade-out and trailing silence.
  public static let defaultValidationSplit = ValidationSplit.files
  /// Primed from files of its own format only.
  public static let primesFromText = false
  /// The model rate when the corpus files do not share one.
  public static let fallbackRate = 16_000

  /// The settings of a new model; `sampleRate` 0 means "the corpus's own rate when every file
  /// has the same one, else 16000", set by `resolved(for:)`.
  public var settings: AudioCodec

  public init(settings: AudioCodec = AudioCodec(sampleRate: 0)) { self.settings = settings }

  /// Batch 16 and 3000 steps: the recipe whose clips were voiced babble on the speech fixture
  /// (the general defaults' 1500 steps of batch 32 gave a drone); `seqgen train audio`'s help
  /// gives the rest of it.
  public var trainingDefaults: TrainingOptions {
    var o = TrainingOptions()
    o.batchSize = 16
    o.steps = 3000
    return o
  }

  public func configured(for codec: AudioCodec) -> AudioDomain { AudioDomain(settings: codec) }

  /// Every reading, framing and augmentation setting is the run's.
  public func settingsFixed(by codec: AudioCodec) -> [FixedSetting] {
    func show(_ x: Double?) -> String { x.map { Setting.show($0) } ?? "off" }
    func fixed(_ name: String, _ value: (AudioCodec) -> String) -> FixedSetting {
      FixedSetting(name, requested: value(settings), run: value(codec))
    }
    return [
      fixed("rate") { String($0.sampleRate) }, fixed("frameSize") { String($0.frameSize) },
      fixed("window") { String($0.window) }, fixed("inputSamples") { String($0.inputSamples) },
      fixed("quantization") { $0.quantization.rawValue }, fixed("trimSilence") { show($0.trimSilenceDB) },
      fixed("normalize") { show($0.normalizePeakDB) }, fixed("preEmphasis") { show($0.preEmphasis) },
      fixed("mlpHiddenSize") { String($0.mlpHiddenSize) }, fixed("sampleEmbeddingSize") { String($0.embeddingSize) },
      fixed("speed") { show(($0.augmentation?.speed ?? 0) * 100) },
      fixed("gain") { show($0.augmentation?.gainDB ?? 0) },
    ]
  }

  /// The model rate from the files' headers when `settings` leaves it open: the rate they all
  /// share, else `fallbackRate`.
  public func resolved(for urls: [URL]) throws -> AudioDomain {
    guard settings.sampleRate <= 0 else { return self }
    var files: [URL] = []
    for url in urls { files += try AudioReader.files(at: url) }
    var rates = Set<Int>()
    for file in files {
      do { rates.insert(try SoundFile.sampleRate(of: file)) } catch { throw AudioError.sound(error) }
    }
    var domain = self
    domain.settings.sampleRate = Self.rate(sharedBy: rates)
    return domain
  }

  private static func rate(sharedBy rates: Set<Int>) -> Int {
    rates.count == 1 && rates.first! > 0 ? rates.first! : fallbackRate
  }

  /// Reads at the settings' rate; with the rate left open (`resolved(for:)` not called), at the
  /// rate the decoded files share.
  public func read(_ urls: [URL]) throws -> [SourceSequence<AudioFrame>] {
    var files: [URL] = []
    for url in urls { files += try AudioReader.files(at: url) }
    let decoded = try files.map { (url: $0, audio: try AudioReader.decode($0)) }
    let rate = settings.sampleRate > 0 ? settings.sampleRate : Self.rate(sharedBy: Set(decoded.map(\.audio.sampleRate)))
    var codec = settings
    codec.sampleRate = rate
    try codec.validate()
    var sequences: [SourceSequence<AudioFrame>] = []
    for (url, audio) in decoded {
      let x = try AudioReader.samples(of: audio, codec: codec, path: url.path)
      guard x.count >= codec.frameSize else {
        throw AudioError.tooShort(path: url.path, samples: x.count, frameSize: codec.frameSize)
      }
      sequences.append(SourceSequence(source: url.path, steps: AudioReader.frames(x, codec: codec)))
    }
    guard sequences.contains(where: { $0.steps.count >= 2 }) else {
      throw AudioError.emptyCorpus(urls.map(\.path).joined(separator: ", "))
    }
    return sequences
  }

  public func makeCodec(for corpus: [SourceSequence<AudioFrame>]) throws -> AudioCodec {
    let codec = settings
    guard codec.sampleRate > 0 else {
      throw AudioError.invalidSetting(
        "the model rate is not resolved; make the codec with `resolved(for:)` of the corpus files")
    }
    try codec.validate()
    if let bad = corpus.first(where: {
      $0.steps.contains { $0.levels.count != codec.frameSize || $0.context.count != codec.window }
    }) {
      throw AudioError.invalidSetting(
        "\(bad.source): frames of another size than `frameSize` \(codec.frameSize) `window` \(codec.window)")
    }
    return codec
  }

  public func augments(_ codec: AudioCodec) -> Bool { codec.augmentation != nil }

  /// The frames' samples at another speed and gain (`AudioAugmentation`), framed again.
  public func augment(_ sequence: SourceSequence<AudioFrame>, codec: AudioCodec, seed: UInt64) -> SourceSequence<
    AudioFrame
  > {
    guard let augmentation = codec.augmentation else { return sequence }
    let samples = sequence.steps.flatMap { $0.levels.map(codec.value) }
    let variant = augmentation.variant(of: samples, rate: codec.sampleRate, seed: seed)
    // A variant too short for two frames (a file of a frame or two, slowed down less than sped
    // up) keeps its original frames rather than vanish from the epoch.
    guard variant.count >= 2 * codec.frameSize else { return sequence }
    return SourceSequence(source: sequence.source, steps: AudioReader.frames(variant, codec: codec))
  }

  public func inputKind(_ codec: AudioCodec) -> InputKind { .dense(width: codec.inputSamples) }

  /// The last `inputSamples` levels of the window and the frame.
  public func input(_ step: AudioFrame, codec: AudioCodec) throws -> StepInput {
    try check(step, codec)
    let before = codec.inputSamples - codec.frameSize
    guard step.context.count >= before else {
      throw AudioError.invalidSetting(
        "a frame with \(step.context.count) levels before it cannot give the LSTM \(codec.inputSamples) samples")
    }
    return .dense((step.context.suffix(before) + step.levels).map(codec.inputValue))
  }

  /// The window before the frame, then the frame: `FrameHead`'s target layout.
  public func target(_ step: AudioFrame, codec: AudioCodec) throws -> [Int] {
    try check(step, codec)
    guard step.context.count == codec.window, step.context.allSatisfy({ $0 >= 0 && $0 < codec.levels }) else {
      throw AudioError.invalidSetting(
        "a frame with \(step.context.count) levels before it does not fit the codec (a window of \(codec.window) in 0..<\(codec.levels))"
      )
    }
    return step.context + step.levels
  }

  private func check(_ step: AudioFrame, _ codec: AudioCodec) throws(AudioError) {
    guard step.levels.count == codec.frameSize, step.levels.allSatisfy({ $0 >= 0 && $0 < codec.levels }) else {
      throw .invalidSetting(
        "a frame of \(step.levels.count) levels does not fit the codec (\(codec.frameSize) levels in 0..<\(codec.levels))"
      )
    }
  }

  public func makeHead(_ codec: AudioCodec) -> FrameHead {
    FrameHead(
      frameSize: codec.frameSize, window: codec.window, levels: codec.levels, hiddenSize: codec.mlpHiddenSize,
      embeddingSize: codec.embeddingSize)
  }

  /// A drawn target (window, then frame) back as a frame that carries its window.
  public func step(from sample: [Int], codec: AudioCodec) -> AudioFrame {
    AudioFrame(
      levels: Array(sample.suffix(codec.frameSize)), context: Array(sample.prefix(sample.count - codec.frameSize)))
  }

  /// The first `seconds` (all if nil) of an audio file read like the corpus, or, without a
  /// file, one frame of silence.
  public func prime(_ request: PrimeRequest, codec: AudioCodec) throws -> [AudioFrame] {
    let path = request.file?.path ?? request.text
    guard let path else { return [silence(codec)] }
    let url = URL(fileURLWithPath: path)
    let audio = try AudioReader.decode(url)
    var x = try AudioReader.samples(of: audio, codec: codec, path: url.path)
    if let seconds = request.seconds {
      guard seconds > 0, seconds.isFinite else {
        throw AudioError.invalidSetting("`primeSeconds` must be positive, got \(seconds)")
      }
      x = Array(x.prefix(Int((seconds * Double(codec.sampleRate)).rounded())))
    }
    guard x.count >= codec.frameSize else {
      throw AudioError.tooShort(path: url.path, samples: x.count, frameSize: codec.frameSize)
    }
    return AudioReader.frames(x, codec: codec)
  }

  /// A frame of the level nearest zero, after a window of it.
  public func silence(_ codec: AudioCodec) -> AudioFrame {
    AudioFrame(
      levels: Array(repeating: codec.level(0), count: codec.frameSize),
      context: Array(repeating: codec.level(0), count: codec.window))
  }

  /// The audio of frames: their samples, de-emphasised. Give a prime and what follows it in one
  /// call, so the de-emphasis filter runs on across the join.
  public func waveform(_ frames: [AudioFrame], codec: AudioCodec) -> [Float] {
    codec.deemphasize(frames.flatMap { $0.levels.map(codec.value) })
  }

  /// Writes all samples into one file at the model rate, one after another with half a second
  /// of silence between them; the format follows the extension (.wav, .flac, .ogg) and is WAV
  /// for any other name. (`seqgen generate` writes one file per sample instead, see `writeClips`,
  /// and rejects unknown extensions before generating.)
  public func write(_ samples: [[AudioFrame]], codec: AudioCodec, to url: URL) throws {
    let gap = [Float](repeating: 0, count: codec.sampleRate / 2)
    var joined: [Float] = []
    for (n, sample) in samples.enumerated() { joined += (n > 0 ? gap : []) + waveform(sample, codec: codec) }
    let format = SoundFileFormat(extension: url.pathExtension) ?? .wav
    do {
      let data = try SoundFile.encode(joined, channels: 1, sampleRate: codec.sampleRate, format: format, name: url.path)
      try AtomicFile.write(data, to: url)
    } catch let error as SoundFileError {
      throw AudioError.sound(error)
    }
  }

  /// Writes waveforms at `rate` (see `write`), with `tags` in each file's string fields;
  /// returns the files written.
  @discardableResult
  public func writeClips(_ clips: [[Float]], rate: Int, to url: URL, tags: [SoundFile.Tag: String] = [:]) throws
    -> [URL]
  {
    let urls = OutputFiles.numbered(url, count: clips.count)
    for (clip, file) in zip(clips, urls) {
      do { try SoundFile.write(clip, channels: 1, sampleRate: rate, to: file, tags: tags) } catch {
        throw AudioError.sound(error)
      }
    }
    return urls
  }
}
