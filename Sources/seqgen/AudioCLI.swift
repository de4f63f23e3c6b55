import ArgumentParser
import AudioDomain
import Foundation
import SeqGenEngine
import SoundFile

/// `seqgen train audio`: a SampleRNN-style frame LSTM on a folder of recordings.
struct TrainAudio: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audio",
    abstract: "Frame-level LSTM + sample-level MLP (two-tier SampleRNN) on raw audio (WAV, FLAC, Ogg, AIFF, … via libsndfile).",
    discussion: """
      Each file is mixed down to mono, resampled to --rate with libsamplerate
      and quantised to 256 levels (mu-law unless --quantization linear). One
      LSTM step reads the previous frame of --frame-size samples; the head then
      draws the next frame sample by sample, each from the LSTM's output and
      the --window samples before it (reaching into the previous frame). So
      --seq-length counts frames (truncated BPTT over seq-length × frame-size
      samples) and the loss is reported per frame; the summary at the end gives
      bits per sample and per second. --frame-size 1 is the one-tier baseline
      (one LSTM step per sample). --speed and --gain train each epoch on every
      file played at a random speed and gain (drawn from --seed, the epoch and
      the file; validation is never augmented), for corpora of a few minutes.
      On the speech fixture, --window 64 --input-samples 80 --pre-emphasis 0.85
      --speed 10 --gain 3 (the demo's model) gives babble with a pitch instead
      of the defaults' drone, and `seqgen generate RUN --checkpoint latest
      --top-k 20 --sharpen-above=-45` makes it voiced. Generate prints each
      clip's flatness, harmonicity and level spread to compare with speech.
      Example: seqgen train audio --data fixtures/audio/speech --out runs/speech
      """
  )

  @OptionGroup var flags: TrainFlags

  @Option(help: "Model sample rate in Hz (default: the corpus's own rate when every file shares one, else 16000).")
  var rate: Int?
  @Option(help: "Samples per LSTM step (1 = one-tier baseline).") var frameSize = AudioCodec(sampleRate: 0).frameSize
  @Option(help: "Sample quantisation to 256 levels: mulaw or linear.") var quantization: Quantization = .mulaw
  @Option(help: "Width of the sample-level MLP.") var mlpHiddenSize = AudioCodec(sampleRate: 0).mlpHiddenSize
  @Option(help: "Width of each earlier sample's embedding in the sample-level MLP.") var embeddingSize = AudioCodec(sampleRate: 0).embeddingSize
  @Option(
    help: ArgumentHelp(
      "Earlier samples the sample-level MLP sees for each sample, sliding back into the previous frame (default: --frame-size, as SampleRNN; 0 = none).",
      valueName: "samples"))
  var window: Int?
  @Option(
    help: ArgumentHelp(
      "Samples the LSTM reads each step: the last frame and the ones before it, up to --frame-size + --window (default: --frame-size).",
      valueName: "samples"))
  var inputSamples: Int?
  @Option(help: ArgumentHelp("Cut leading and trailing audio quieter than this level (write --trim-silence=-50).", valueName: "dBFS"))
  var trimSilence: Double?
  @Option(help: ArgumentHelp("Peak-normalise every file to this level (write --normalize=-1).", valueName: "dBFS")) var normalize: Double?
  @Option(
    help: ArgumentHelp(
      "Filter each file with 1 − α·z⁻¹ before quantising, and generated audio with the inverse, so sampling noise falls where speech is loud (LPCNet: 0.85; 0 = off).",
      valueName: "α"))
  var preEmphasis = 0.0
  @Option(help: ArgumentHelp("Augment: each epoch, play every file at a random speed in 1 ± P percent (0...30; pitch moves with it).", valueName: "P"))
  var speed = 0.0
  @Option(help: ArgumentHelp("Augment: each epoch, scale every file by a random gain in ±DB (0...12).", valueName: "DB")) var gain = 0.0

  var settings: AudioCodec {
    AudioCodec(
      sampleRate: rate ?? 0, frameSize: frameSize, window: window, inputSamples: inputSamples, quantization: quantization, trimSilenceDB: trimSilence,
      normalizePeakDB: normalize, preEmphasis: preEmphasis, mlpHiddenSize: mlpHiddenSize, embeddingSize: embeddingSize,
      augmentation: speed == 0 && gain == 0 ? nil : AudioAugmentation(speed: speed / 100, gainDB: gain))
  }

  func validate() throws {
    var check = settings
    if rate == nil { check.sampleRate = AudioDomain.fallbackRate }
    do { try check.validate() } catch { throw ValidationError(error.description) }
  }

  func run() throws {
    try Training.run(AudioDomain(settings: settings), flags: flags)
    // The engine reports per frame; audio people think per sample and per second.
    let run = RunDirectory(URL(fileURLWithPath: flags.out))
    let manifest = try run.manifest()
    let codec = try manifest.codec(as: AudioCodec.self, path: run.url.path)
    guard let nats = manifest.progress.bestValidationLoss ?? manifest.progress.validationLoss else { return }
    let bitsPerSample = nats / M_LN2 / Double(codec.frameSize)
    Console.line(
      String(
        format: "validation: %.4f bits/sample = %.2f kbit/s of audio at %d Hz (frame size %d, best checkpoint)",
        bitsPerSample, bitsPerSample * Double(codec.sampleRate) / 1000, codec.sampleRate, codec.frameSize))
    // The unigram baseline on the same split, read with the same code.
    let sequences = try AudioDomain(settings: codec).read(manifest.data.paths.map { URL(fileURLWithPath: $0) })
    let (train, validation) = manifest.training.split(sequences)
    if let unigram = AudioStatistics.unigramBitsPerSample(train: train.map(\.steps), validation: validation.map(\.steps), levels: codec.levels) {
      Console.line(
        String(
          format: "baseline: %@ unigram %.4f bits/sample = %.2f kbit/s (8 bits/sample is the raw 8-bit code)",
          codec.quantization.rawValue, unigram, unigram * Double(codec.sampleRate) / 1000))
    }
  }
}

extension Quantization: ExpressibleByArgument {}

/// `seqgen generate` flags that mean something for audio runs only.
struct AudioGenerateFlags: ParsableArguments {
  /// The manifest name these flags belong to (lets GenerateCommand dispatch without importing the domain).
  static let domainName = AudioDomain.name

  @Option(help: ArgumentHelp("Resample the written clip to this rate with libsamplerate (audio runs; default: the model rate).", valueName: "Hz"))
  var outputRate: Int?
  @Option(help: ArgumentHelp("Also draw the clips' waveforms and spectrograms to this SVG file (audio runs).", valueName: "file.svg"))
  var waveform: String?
  @Option(
    help: ArgumentHelp(
      "Apply --temperature/--top-k/--top-p/--argmax only where the last --window samples are louder than this (audio runs; measured on the model's signal, after pre-emphasis); quieter, draw from the plain softmax, so silence can still turn into sound.",
      valueName: "dBFS"))
  var sharpenAbove: Double?

  static let defaultSeconds = 2.0

  /// The gate in levels from the middle: the level distance of a sample at `sharpenAbove` dBFS.
  func loudnessGate(_ codec: AudioCodec) -> Int? {
    sharpenAbove.map { abs(codec.level(Float(pow(10, $0 / 20))) - codec.level(0)) }
  }

  /// The flags given, by name.
  var given: [String] {
    [
      outputRate.map { _ in "--output-rate" }, waveform.map { _ in "--waveform" }, sharpenAbove.map { _ in "--sharpen-above" },
    ].compactMap { $0 }
  }

  func validate() throws {
    if let outputRate, !(1000...384_000).contains(outputRate) { throw ValidationError("--output-rate must be in 1000...384000 Hz, got \(outputRate)") }
    if let sharpenAbove, !(sharpenAbove >= -120 && sharpenAbove < 0) {
      throw ValidationError("--sharpen-above must be a level in dBFS in -120..<0, got \(sharpenAbove)")
    }
    if let waveform, !waveform.lowercased().hasSuffix(".svg") { throw ValidationError("--waveform writes SVG; give a file name ending in .svg, got \(waveform)") }
  }

  /// Rejects audio flags on other runs.
  func check(domain: String) throws {
    guard domain != AudioDomain.name, !given.isEmpty else { return }
    throw ValidationError("\(given.joined(separator: ", ")) appl\(given.count == 1 ? "ies" : "y") to audio runs only; this run is \(domain)")
  }
}

extension GenerateCommand {
  /// Audio generation: clips of --seconds written through libsndfile, with the real-time factor.
  func generateAudio(dir: RunDirectory) throws {
    // Flags of other domains, or that mean nothing for audio.
    if skipUnknown { throw ValidationError("--skip-unknown applies to text runs only") }
    if length != 500 { throw ValidationError("--length counts steps of text-like runs; for audio give --seconds") }
    if prime != nil, primeFile != nil { throw ValidationError("give --prime FILE or --prime-file FILE, not both") }
    guard let out else { throw ValidationError("audio is written, not printed; give --out clip.wav (or .flac, .ogg)") }
    guard SoundFileFormat(extension: URL(fileURLWithPath: out).pathExtension) != nil else {
      throw ValidationError("\(out): unknown output format; use the extension .wav, .flac or .ogg")
    }
    let primePath = prime ?? primeFile
    if primePath == nil, timed.primeSeconds != nil { throw ValidationError("--prime-seconds needs --prime FILE (an audio file)") }
    if primePath == nil, timed.stripPrime { throw ValidationError("--strip-prime needs --prime FILE (without a prime nothing is prepended)") }

    let manifest = try dir.manifest()
    let codec = try manifest.codec(as: AudioCodec.self, path: dir.url.path)
    let domain = AudioDomain(settings: codec)
    let seconds = timed.seconds ?? AudioGenerateFlags.defaultSeconds
    var command = self
    command.length = max(1, Int((seconds * Double(codec.sampleRate) / Double(codec.frameSize)).rounded(.up)))
    let request = PrimeRequest(file: primePath.map { URL(fileURLWithPath: $0) }, seconds: timed.primeSeconds)
    var started = ContinuousClock.now
    var controls = self.controls
    controls.loudnessGate = audio.loudnessGate(codec)
    let (samples, primeFrames, generator) = try command.sample(
      domain, dir: dir, primeRequest: request, controls: controls, onPrime: { _, _ in started = .now })
    let wall = (ContinuousClock.now - started)
    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
    let perClip = Int((seconds * Double(codec.sampleRate)).rounded())

    // The prime's samples (one silent frame without --prime), then the clip's; de-emphasised as one.
    let primeLength = primeFrames.count * codec.frameSize
    let keptPrime = primePath != nil && !timed.stripPrime ? primeLength : 0
    var clips = samples.map { Array(domain.waveform(primeFrames + $0, codec: generator.codec).dropFirst(primeLength - keptPrime).prefix(keptPrime + perClip)) }
    var rate = codec.sampleRate
    if let outputRate = audio.outputRate, outputRate != rate {
      clips = try clips.map { try SoundFile.resample($0, channels: 1, from: rate, to: outputRate, quality: .best) }
      rate = outputRate
    }
    let files = try domain.writeClips(clips, rate: rate, to: URL(fileURLWithPath: out))
    let generated = Double(count) * seconds
    Console.line(
      String(
        format: "generated %d × %.2f s at %d Hz in %.2f s: real-time factor %.2f (seconds of audio per second of wall time%@)",
        count, seconds, codec.sampleRate, wallSeconds, generated / max(wallSeconds, 1e-9), count > 1 ? ", \(count) clips together" : ""))
    for (file, clip) in zip(files, clips) {
      let body = Array(clip.suffix(clip.count - (keptPrime * rate / codec.sampleRate)))
      Console.line(
        String(format: "wrote %@ (%.2f s at %d Hz): ", file.path, Double(clip.count) / Double(rate), rate) + AudioStatistics.summary(body, rate: rate))
    }
    if let svgPath = audio.waveform {
      let sharpening = argmax ? ["argmax"] : ["temperature \(temperature)", topK.map { "top-k \($0)" }, topP.map { "top-p \($0)" }].compactMap { $0 }
      let sampling = sharpening.joined(separator: ", ") + (audio.sharpenAbove.map { " above \($0) dBFS" } ?? "")
      let title = "seqgen audio: \(dir.url.lastPathComponent), seed \(seed), \(sampling)"
      let svg = WaveformPlot.svg(clips, rate: rate, title: title, primeSeconds: Double(keptPrime) / Double(codec.sampleRate))
      try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: svgPath))
      Console.line("wrote \(svgPath)")
    }
  }
}
