import Codec2
import Foundation
import SeqGenEngine
import SoundIO

/// Speech as codec2 frames: each LSTM step reads the previous frame's fields (voicing, pitch,
/// energy, ten LSP indices) as one multi-hot row and a `MultiCategoricalHead` predicts the
/// next frame's fields, one softmax each. Given transcripts, Graves' attention window over the
/// characters conditions it, so a trained model says a given sentence.
///
/// Why a domain of its own and not an option of `audio`: the step, its head and its output
/// path differ (a frame of quantiser indices, several small softmaxes, codec2 decoding) while
/// audio's SampleRNN frames keep theirs; the two share only libsndfile and libsamplerate,
/// which both reach through `SoundIO`.
public struct SpeechDomain: SequenceDomain {
  public typealias Step = SpeechFrame
  public typealias Codec = SpeechCodec
  public typealias Head = MultiCategoricalHead

  public static let name = "speech"
  public static let stepUnit = "frame"
  /// Whole clips held out: a clip's tail is its trailing silence.
  public static let defaultValidationSplit = ValidationSplit.files
  /// Primed from recordings only.
  public static let primesFromText = false

  /// The codec2 mode of a new run.
  public var mode: Codec2Mode
  /// Train a model that says a given text: each clip's transcript (its characters or its
  /// phonemes) conditions it through the window; nil: babble.
  public var condition: SpeechCondition?

  public init(mode: Codec2Mode = .mode3200, condition: SpeechCondition? = nil) {
    self.mode = mode
    self.condition = condition
  }

  /// Chunks of 100 frames (2 s at 3200, 4 s at 1300): a few words, so the window sees where
  /// it is in the sentence, as handwriting's 100 points are a few letters; batches of 16 fit a
  /// minute of speech (the bundled clips). A conditioned run takes 4,000 steps of a 2×256 LSTM,
  /// about 35 minutes: on 8,000 espeak-ng sentences `--condition phonemes` was then read by
  /// pocketsphinx at 0.36–0.43 word error on unseen ones (characters 0.89–0.98), its
  /// validation loss still falling (docs/speech.md).
  public var trainingDefaults: TrainingOptions {
    var o = TrainingOptions()
    o.seqLength = 100
    o.batchSize = 16
    o.hiddenSize = 256
    o.steps = condition != nil ? 4000 : 1500
    return o
  }

  public func configured(for codec: SpeechCodec) -> SpeechDomain {
    SpeechDomain(mode: codec.mode, condition: codec.condition)
  }

  public func settingsFixed(by codec: SpeechCodec) -> [FixedSetting] {
    [
      FixedSetting("codec", requested: "codec2-\(mode.rawValue)", run: "codec2-\(codec.mode.rawValue)"),
      FixedSetting(
        "condition", requested: condition?.rawValue ?? "none", run: codec.condition?.rawValue ?? "none"),
    ]
  }

  public func read(_ urls: [URL]) throws -> [SourceSequence<SpeechFrame>] {
    var sequences: [SourceSequence<SpeechFrame>] = []
    for url in urls {
      for clip in try SpeechReader.clips(at: url) {
        let transcript = clip.transcript.map(SpeechCodec.normalized).flatMap { $0.isEmpty ? nil : $0 }
        if condition != nil, transcript == nil { throw SpeechError.noTranscript(path: clip.url.path) }
        let frames = try SpeechReader.frames(clip.url, mode: mode)
        sequences.append(SourceSequence(source: clip.url.path, steps: frames, annotation: transcript))
      }
    }
    guard sequences.contains(where: { $0.steps.count >= 2 }) else {
      throw SpeechError.emptyCorpus(urls.map(\.path).joined(separator: ", "))
    }
    return sequences
  }

  public func makeCodec(for corpus: [SourceSequence<SpeechFrame>]) throws -> SpeechCodec {
    var codec = SpeechCodec(mode: mode)
    guard let condition else { return codec }
    var characters = Set<String>()
    var count = 0
    var frames = 0
    for s in corpus {
      guard let text = s.annotation, !text.isEmpty else { throw SpeechError.noTranscript(path: s.source) }
      let symbols = try SpeechCodec.symbols(of: text, as: condition)
      for c in symbols { characters.insert(String(c)) }
      count += symbols.count
      frames += s.steps.count
    }
    codec.alphabet = characters.sorted()
    codec.condition = condition
    codec.framesPerCharacter = Double(frames) / Double(max(count, 1))
    return codec
  }

  public func conditionClasses(_ codec: SpeechCodec) -> Int? { codec.alphabet?.count }

  public func condition(of sequence: SourceSequence<SpeechFrame>, codec: SpeechCodec) throws -> [Int] {
    guard let text = sequence.annotation, !text.isEmpty else { throw SpeechError.noTranscript(path: sequence.source) }
    return try codec.classes(of: text, source: sequence.source)
  }

  /// The fields side by side, one-hot each.
  public func inputKind(_ codec: SpeechCodec) -> InputKind { .dense(width: codec.mode.fieldSizes.reduce(0, +)) }

  public func input(_ step: SpeechFrame, codec: SpeechCodec) throws -> StepInput {
    try check(step, codec)
    var row = [Float](repeating: 0, count: codec.mode.fieldSizes.reduce(0, +))
    var offset = 0
    for (value, size) in zip(step.fields, codec.mode.fieldSizes) {
      row[offset + value] = 1
      offset += size
    }
    return .dense(row)
  }

  public func target(_ step: SpeechFrame, codec: SpeechCodec) throws -> [Int] {
    try check(step, codec)
    return step.fields
  }

  private func check(_ step: SpeechFrame, _ codec: SpeechCodec) throws(SpeechError) {
    let sizes = codec.mode.fieldSizes
    guard step.fields.count == sizes.count, zip(step.fields, sizes).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
      throw .invalidSetting("a frame of \(step.fields.count) fields does not fit codec2 \(codec.mode.rawValue)")
    }
  }

  public func makeHead(_ codec: SpeechCodec) -> MultiCategoricalHead {
    MultiCategoricalHead(classes: codec.mode.fieldSizes)
  }

  public func step(from sample: [Int], codec: SpeechCodec) -> SpeechFrame { SpeechFrame(fields: sample) }

  /// A recording's frames (its first `seconds`, if given), or one frame of silence.
  public func prime(_ request: PrimeRequest, codec: SpeechCodec) throws -> [SpeechFrame] {
    guard let path = request.file?.path ?? request.text else { return [try silence(codec)] }
    var frames = try SpeechReader.frames(URL(fileURLWithPath: path), mode: codec.mode)
    if let seconds = request.seconds {
      guard seconds > 0, seconds.isFinite else {
        throw SpeechError.invalidSetting("`primeSeconds` must be positive, got \(seconds)")
      }
      frames = Array(frames.prefix(max(1, Int((seconds / codec.mode.frameSeconds).rounded()))))
    }
    return frames
  }

  /// The frame codec2 codes 20 or 40 ms of silence as.
  public func silence(_ codec: SpeechCodec) throws -> SpeechFrame {
    try SpeechReader.frames(of: [Int16](repeating: 0, count: codec.mode.samplesPerFrame), mode: codec.mode)[0]
  }

  /// Frames as 8 kHz samples through codec2's decoder.
  public func waveform(_ frames: [SpeechFrame], codec: SpeechCodec) throws -> [Float] {
    try SpeechReader.waveform(frames, mode: codec.mode)
  }

  /// All samples in one file, with half a second of silence between them (.wav, .flac, .ogg by
  /// extension, WAV otherwise).
  public func write(_ samples: [[SpeechFrame]], codec: SpeechCodec, to url: URL) throws {
    let gap = [Float](repeating: 0, count: Codec2Mode.sampleRate / 2)
    var joined: [Float] = []
    for (n, sample) in samples.enumerated() { joined += (n > 0 ? gap : []) + (try waveform(sample, codec: codec)) }
    try Self.writeClip(joined, to: url, tags: [:])
  }

  static func writeClip(_ samples: [Float], to url: URL, tags: [SoundFile.Tag: String]) throws {
    let format = SoundFileFormat(extension: url.pathExtension) ?? .wav
    do {
      let data = try SoundFile.encode(
        samples, channels: 1, sampleRate: Codec2Mode.sampleRate, format: format, name: url.path, tags: tags)
      try AtomicFile.write(data, to: url)
    } catch let error as SoundFileError {
      throw SpeechError.sound(error)
    }
  }
}
