import Foundation
import SeqGenEngine
import SoundIO

extension AudioDomain {
  /// Clips of `seconds` written through libsndfile (one file per clip), with the real-time
  /// factor and each clip's level, flatness, harmonicity and level spread.
  public func generate(
    run: RunDirectory, request given: GenerationRequest, options givenOptions: AudioGenerationOptions,
    events: (GenerationEvent) -> Void
  ) throws -> GenerationOutput {
    try given.validate()
    try givenOptions.validate()
    var (request, options) = (given, givenOptions)
    guard let out = request.out else {
      throw EngineError.invalidArgument("audio is written, not printed; give `out` clip.wav (or .flac, .ogg)")
    }
    guard SoundFileFormat(extension: URL(fileURLWithPath: out).pathExtension) != nil else {
      throw EngineError.invalidArgument("\(out): unknown output format; use the extension .wav, .flac or .ogg")
    }
    let primePath = request.primePath
    if primePath == nil, options.primeSeconds != nil {
      throw EngineError.invalidArgument("`primeSeconds` needs `prime` FILE (an audio file)")
    }
    if primePath == nil, options.stripPrime {
      throw EngineError.invalidArgument("`stripPrime` needs `prime` FILE (without a prime nothing is prepended)")
    }
    let codec = try run.manifest().codec(as: AudioCodec.self, path: run.url.path)
    if options.sharpenAbove != nil, codec.window == 0 {
      throw EngineError.invalidArgument("`sharpenAbove` needs a model with a sample window (`window` > 0)")
    }
    if codec.window > 0 {
      let c = request.controls
      if c.topK == nil && c.topP == nil && !c.argmax {
        request.controls.topK = min(AudioGenerationOptions.defaultTopK, codec.levels)
      }
      options.sharpenAbove = options.sharpenAbove ?? AudioGenerationOptions.defaultSharpenAbove
    }
    let domain = AudioDomain(settings: codec)
    let seconds = options.seconds ?? AudioGenerationOptions.defaultSeconds
    let frames = max(1, Int((seconds * Double(codec.sampleRate) / Double(codec.frameSize)).rounded(.up)))
    var controls = request.controls
    controls.loudnessGate = options.loudnessGate(codec)
    var started = ContinuousClock.now
    let (samples, primeFrames, generator) = try domain.sample(
      run: run, request: request,
      prime: PrimeRequest(file: primePath.map { URL(fileURLWithPath: $0) }, seconds: options.primeSeconds),
      length: frames, controls: controls, onPrime: { _, _ in started = .now })
    let wall = ContinuousClock.now - started
    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
    let perClip = Int((seconds * Double(codec.sampleRate)).rounded())

    // The prime's samples (one silent frame without a prime), then the clip's; de-emphasised as one.
    let primeLength = primeFrames.count * codec.frameSize
    let keptPrime = primePath != nil && !options.stripPrime ? primeLength : 0
    var clips = samples.map {
      Array(
        domain.waveform(primeFrames + $0, codec: generator.codec).dropFirst(primeLength - keptPrime).prefix(
          keptPrime + perClip))
    }
    var rate = codec.sampleRate
    if let outputRate = options.outputRate, outputRate != rate {
      clips = try clips.map { try SoundFile.resample($0, channels: 1, from: rate, to: outputRate, quality: .best) }
      rate = outputRate
    }
    var files = try domain.writeClips(
      clips, rate: rate, to: URL(fileURLWithPath: out),
      tags: try Self.provenance(run: run, request: request, options: options))
    let count = request.count
    let realTimeFactor = Double(count) * seconds / max(wallSeconds, 1e-9)
    events(
      .report(
        String(
          format:
            "generated %d × %.2f s at %d Hz in %.2f s: real-time factor %.2f (seconds of audio per second of wall time%@)",
          count, seconds, codec.sampleRate, wallSeconds, realTimeFactor,
          count > 1 ? ", \(count) clips together" : "")))
    for (file, clip) in zip(files, clips) {
      let body = Array(clip.suffix(clip.count - (keptPrime * rate / codec.sampleRate)))
      events(
        .report(
          String(format: "wrote %@ (%.2f s at %d Hz): ", file.path, Double(clip.count) / Double(rate), rate)
            + AudioStatistics.summary(body, rate: rate)))
    }
    if let svgPath = options.waveform {
      let c = request.controls
      let sharpening =
        c.argmax
        ? ["argmax"]
        : ["temperature \(c.temperature)", c.topK.map { "top-k \($0)" }, c.topP.map { "top-p \($0)" }].compactMap { $0 }
      let sampling = sharpening.joined(separator: ", ") + (options.sharpenAbove.map { " above \($0) dBFS" } ?? "")
      let title = "seqgen audio: \(run.url.lastPathComponent), seed \(request.seed), \(sampling)"
      let svg = WaveformPlot.svg(
        clips, rate: rate, title: title, primeSeconds: Double(keptPrime) / Double(codec.sampleRate))
      try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: svgPath))
      files.append(URL(fileURLWithPath: svgPath))
      events(.report("wrote \(svgPath)"))
    }
    return GenerationOutput(files: files, figures: ["realTimeFactor": realTimeFactor, "wallSeconds": wallSeconds])
  }

  // MARK: Reports

  /// After training: the best validation loss per sample and per second of audio (the engine
  /// reports per frame), beside the unigram baseline on the same split.
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<AudioFrame>, codec: AudioCodec, manifest: Manifest
  ) throws -> [String] {
    guard moment == .afterTraining, let nats = manifest.progress.bestValidationLoss ?? manifest.progress.validationLoss
    else { return [] }
    var lines = [
      String(
        format: "validation: %.4f bits/sample = %.2f kbit/s of audio at %d Hz (frame size %d, best checkpoint)",
        bitsPerSample(nats, codec), bitsPerSample(nats, codec) * Double(codec.sampleRate) / 1000, codec.sampleRate,
        codec.frameSize)
    ]
    if let unigram = AudioStatistics.unigramBitsPerSample(
      train: split.train.map(\.steps), validation: split.validation.map(\.steps), levels: codec.levels)
    {
      lines.append(
        String(
          format: "baseline: %@ unigram %.4f bits/sample = %.2f kbit/s (8 bits/sample is the raw 8-bit code)",
          codec.quantization.rawValue, unigram, unigram * Double(codec.sampleRate) / 1000))
    }
    return lines
  }

  /// The loss per sample and per second of audio, as the training summary gives it.
  public func evaluationReport(
    _ loss: Loss, sequences: [SourceSequence<AudioFrame>], codec: AudioCodec, manifest: Manifest
  ) -> [String] {
    guard loss.steps > 0 else { return [] }
    let bits = bitsPerSample(loss.natsPerStep, codec)
    return [
      String(
        format: "%.4f bits/sample = %.2f kbit/s of audio at %d Hz (frame size %d)", bits,
        bits * Double(codec.sampleRate) / 1000, codec.sampleRate, codec.frameSize)
    ]
  }

  private func bitsPerSample(_ natsPerFrame: Double, _ codec: AudioCodec) -> Double {
    natsPerFrame / M_LN2 / Double(codec.frameSize)
  }
}

extension AudioDomain {
  /// How a clip was made, for its string fields (as the SVG and MIDI outputs carry it): the run,
  /// checkpoint and step, seed and sampling settings, and the seqgen version.
  static func provenance(run: RunDirectory, request: GenerationRequest, options: AudioGenerationOptions) throws
    -> [SoundFile.Tag: String]
  {
    let manifest = try run.manifest()
    let c = request.controls
    var settings = [
      "run=\(run.url.path)", "checkpoint=\(request.checkpoint.rawValue)",
      "step=\(manifest.step(of: request.checkpoint))",
      "seed=\(request.seed)", "temperature=\(c.temperature)",
    ]
    if let k = c.topK { settings.append("top-k=\(k)") }
    if let p = c.topP { settings.append("top-p=\(p)") }
    if c.argmax { settings.append("argmax") }
    if let gate = options.sharpenAbove { settings.append("sharpen-above=\(gate)") }
    if let prime = request.primePath { settings.append("prime=\(prime)") }
    return [
      .title: "seqgen audio: \(run.url.lastPathComponent), seed \(request.seed)",
      .comment: settings.joined(separator: " "),
      .software: "seqgen \(Manifest.seqgenVersion)",
    ]
  }

  /// A served generation writes clip.wav (and the waveform when asked for) in the server's folder.
  public func served(_ request: GenerationRequest, options: AudioGenerationOptions, in folder: URL) throws -> (
    GenerationRequest, AudioGenerationOptions
  ) {
    var (request, options) = (request, options)
    request.out = ServedFile.path(request.out, in: folder, default: "clip.wav")
    options.waveform = ServedFile.path(options.waveform, in: folder)
    return (request, options)
  }
}

extension AudioDomain {
  /// A two-second clip with its waveform and spectrogram.
  public static var playgroundOptions: String { #"{"seconds": 2, "waveform": "waveform.svg"}"# }
}
