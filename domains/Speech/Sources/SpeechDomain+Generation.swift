import Codec2
import Foundation
import SeqGenEngine
import SoundIO

extension SpeechDomain {
  /// A given sentence said (a run trained on transcripts), or babble of `seconds`, written as
  /// one clip per sample through libsndfile with the settings and the text in its tags.
  public func generate(
    run: RunDirectory, request: GenerationRequest, options: SpeechGenerationOptions,
    events: (GenerationEvent) -> Void
  ) throws -> GenerationOutput {
    try request.validate()
    try options.validate()
    guard let out = request.out else {
      throw EngineError.invalidArgument("speech is written, not printed; give `out` clip.wav (or .flac, .ogg)")
    }
    guard SoundFileFormat(extension: URL(fileURLWithPath: out).pathExtension) != nil else {
      throw EngineError.invalidArgument("\(out): unknown output format; use the extension .wav, .flac or .ogg")
    }
    let texts = try options.texts()
    let generator = try Generator(domain: self, checkpoint: try run.checkpoint(request.checkpoint))
    let codec = generator.codec
    if texts != nil, codec.alphabet == nil {
      throw EngineError.invalidArgument(
        "\(run.url.path) was trained without transcripts; it babbles and cannot say a given text (leave out `text`)")
    }
    guard texts != nil || codec.alphabet == nil else {
      throw EngineError.invalidArgument(
        "\(run.url.path) says a given text (it was trained on transcripts); give `text` or `textFile`")
    }
    let primeURL = request.primePath.map { URL(fileURLWithPath: $0) }
    let prime = try generator.domain.prime(PrimeRequest(file: primeURL), codec: codec)
    let started = ContinuousClock.now
    var samples: [[SpeechFrame]] = []
    if let texts {
      for (i, text) in texts.enumerated() {
        let classes = try codec.classes(of: text, source: "`text`", skipUnknown: options.skipUnknown)
        guard !classes.isEmpty else {
          throw EngineError.invalidOption(
            name: "text", reason: "\(text.debugDescription) has no character the model knows")
        }
        // Graves' stop rule ends a clip once the window has passed the text; the cap (three
        // times the corpus's frames per character) ends one that never gets there.
        let limit = Int((3 * (codec.framesPerCharacter ?? 10) * Double(classes.count + 1)).rounded(.up))
        samples += try generator.generate(
          prime: prime, length: limit, count: request.count, controls: request.controls,
          seed: request.seed &+ UInt64(i),
          condition: classes, label: request.label, cancellation: request.cancellation)
      }
    } else {
      let seconds = options.seconds ?? SpeechGenerationOptions.defaultSeconds
      samples = try generator.generate(
        prime: prime, length: max(1, Int((seconds / codec.mode.frameSeconds).rounded(.up))), count: request.count,
        controls: request.controls, seed: request.seed, label: request.label, cancellation: request.cancellation)
    }
    let wall = ContinuousClock.now - started
    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
    let keptPrime = primeURL != nil && !options.stripPrime ? prime.count : 0
    let rate = Codec2Mode.sampleRate
    var clips: [[Float]] = []
    for sample in samples {
      // Decoded with the prime, so codec2's interpolation runs on across the join.
      let wave = try waveform(prime + sample, codec: codec)
      let body = Array(wave.dropFirst((prime.count - keptPrime) * codec.mode.samplesPerFrame))
      clips.append(texts == nil ? body : Self.trimmingTrailingSilence(body, rate: rate))
    }
    let urls = OutputFiles.numbered(URL(fileURLWithPath: out), count: clips.count)
    let tags = try Self.provenance(run: run, request: request, texts: texts)
    for (clip, url) in zip(clips, urls) { try Self.writeClip(clip, to: url, tags: tags) }
    let audioSeconds = Double(samples.map(\.count).reduce(0, +)) * codec.mode.frameSeconds
    let realTimeFactor = audioSeconds / max(wallSeconds, 1e-9)
    events(
      .report(
        String(
          format: "generated %d clip%@, %.2f s of speech in %.2f s: real-time factor %.1f", clips.count,
          clips.count == 1 ? "" : "s", audioSeconds, wallSeconds, realTimeFactor)))
    for (url, clip) in zip(urls, clips) {
      events(.report(String(format: "wrote %@ (%.2f s at %d Hz)", url.path, Double(clip.count) / Double(rate), rate)))
    }
    return GenerationOutput(files: urls, figures: ["realTimeFactor": realTimeFactor, "wallSeconds": wallSeconds])
  }

  /// The clip up to 100 ms after its last 20 ms window louder than −40 dBFS: the frames drawn
  /// after the window passed the text's end are the model's silence, kept short.
  static func trimmingTrailingSilence(_ x: [Float], rate: Int) -> [Float] {
    let window = rate / 50
    let threshold: Float = 0.01  // −40 dBFS, as RMS
    var end = 0
    var start = 0
    while start < x.count {
      let piece = x[start..<min(start + window, x.count)]
      let rms = (piece.reduce(Float(0)) { $0 + $1 * $1 } / Float(piece.count)).squareRoot()
      if rms >= threshold { end = min(start + window, x.count) }
      start += window
    }
    return Array(x.prefix(min(x.count, end + rate / 10)))
  }

  /// How a clip was made, for its string fields: the run, checkpoint and step, seed, sampling
  /// settings and the text said.
  static func provenance(run: RunDirectory, request: GenerationRequest, texts: [String]?) throws -> [SoundFile.Tag:
    String]
  {
    let manifest = try run.manifest()
    let c = request.controls
    var settings = [
      "run=\(run.url.path)", "checkpoint=\(request.checkpoint.rawValue)",
      "step=\(manifest.step(of: request.checkpoint))", "seed=\(request.seed)", "temperature=\(c.temperature)",
    ]
    if let b = c.bias { settings.append("bias=\(b)") }
    if let k = c.topK { settings.append("top-k=\(k)") }
    if let p = c.topP { settings.append("top-p=\(p)") }
    if c.argmax { settings.append("argmax") }
    if let prime = request.primePath { settings.append("prime=\(prime)") }
    return [
      .title: texts?.joined(separator: " / ") ?? "seqgen speech: \(run.url.lastPathComponent), seed \(request.seed)",
      .comment: settings.joined(separator: " "),
      .software: "seqgen \(Manifest.seqgenVersion)",
    ]
  }

  /// The loss per second of speech beside the engine's per frame.
  public func evaluationReport(
    _ loss: Loss, sequences: [SourceSequence<SpeechFrame>], codec: SpeechCodec, manifest: Manifest
  ) -> [String] {
    guard loss.steps > 0 else { return [] }
    let bits = loss.natsPerStep / M_LN2
    return [
      String(
        format: "%.2f bits/frame = %.0f bits/s of speech (codec2 %@ spends %d bits/frame)", bits,
        bits / codec.mode.frameSeconds, codec.mode.rawValue, codec.mode.bitsPerFrame)
    ]
  }

  /// After training: the best validation loss per second of speech.
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<SpeechFrame>, codec: SpeechCodec, manifest: Manifest
  ) throws -> [String] {
    guard moment == .afterTraining, let nats = manifest.progress.bestValidationLoss ?? manifest.progress.validationLoss
    else { return [] }
    return [
      String(
        format: "validation: %.2f bits/frame = %.0f bits/s of speech (codec2 %@ spends %d bits/frame; best checkpoint)",
        nats / M_LN2, nats / M_LN2 / codec.mode.frameSeconds, codec.mode.rawValue, codec.mode.bitsPerFrame)
    ]
  }

  /// A served generation writes speech.wav in the server's folder and reads no text file.
  public func served(_ request: GenerationRequest, options: SpeechGenerationOptions, in folder: URL) throws -> (
    GenerationRequest, SpeechGenerationOptions
  ) {
    if options.textFile != nil {
      throw EngineError.invalidArgument("`textFile` is not read by the server; give `text`")
    }
    var request = request
    request.out = ServedFile.path(request.out, in: folder, default: "speech.wav")
    return (request, options)
  }

  /// The settings a run can use: a text for a run trained on transcripts, seconds for one without.
  public func servedSettings(_ codec: SpeechCodec) -> [Setting] {
    let hidden: Set<String> = codec.alphabet == nil ? ["text", "textFile", "skipUnknown"] : ["textFile", "seconds"]
    return SpeechGenerationOptions.settings.filter { !hidden.contains($0.name) }
  }
}
