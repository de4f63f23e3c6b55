import Foundation

/// Everything a trained audio model needs again: the rate and framing, the quantiser, the
/// reading options (so primes are read like the corpus) and the sizes of the sample-level MLP.
public struct AudioCodec: Codable, Sendable, Equatable {
  /// The model's sample rate in Hz: every file is resampled to it.
  public var sampleRate: Int
  /// Samples per LSTM step (1 = the one-tier baseline).
  public var frameSize: Int
  /// Earlier samples the sample-level MLP sees for each sample, sliding back across frame
  /// boundaries (SampleRNN's sample-level window; 0 = none).
  public var window: Int
  /// Samples the LSTM reads each step: the last frame and, beyond `frameSize`, the samples
  /// before it (up to `frameSize + window`). A frame of 2 ms is a fraction of a pitch period;
  /// reading a whole period gives the frame tier the waveform it must continue.
  public var inputSamples: Int
  public var quantization: Quantization
  /// Quantisation levels (256: 8 bits per sample, as SampleRNN).
  public var levels: Int
  /// Leading and trailing audio quieter than this many dBFS is cut (nil: no trimming).
  public var trimSilenceDB: Double?
  /// Peak-normalise each file to this many dBFS (nil: keep levels as recorded).
  public var normalizePeakDB: Double?
  /// α of the pre-emphasis filter 1 − α·z⁻¹ applied before quantising (0 = none). Generated
  /// audio goes through the inverse, 1 / (1 − α·z⁻¹), which tilts the model's sampling and
  /// quantisation noise, white in the emphasised signal, down at high frequencies where voiced
  /// speech has little energy to mask it (LPCNet, Valin & Skoglund 2019, uses α = 0.85).
  public var preEmphasis: Double
  /// Width of the sample-level MLP (the frame tier gives this much per sample).
  public var mlpHiddenSize: Int
  /// Width of each earlier sample's embedding in the sample-level MLP.
  public var embeddingSize: Int
  /// The speed and gain changes drawn afresh each epoch (nil: none). Training only.
  public var augmentation: AudioAugmentation?

  public init(
    sampleRate: Int, frameSize: Int = 16, window: Int? = nil, inputSamples: Int? = nil,
    quantization: Quantization = .mulaw, levels: Int = 256,
    trimSilenceDB: Double? = nil, normalizePeakDB: Double? = nil, preEmphasis: Double = 0, mlpHiddenSize: Int = 64,
    embeddingSize: Int = 16,
    augmentation: AudioAugmentation? = nil
  ) {
    self.sampleRate = sampleRate
    self.frameSize = frameSize
    self.window = window ?? frameSize
    self.inputSamples = inputSamples ?? frameSize
    self.quantization = quantization
    self.levels = levels
    self.trimSilenceDB = trimSilenceDB
    self.normalizePeakDB = normalizePeakDB
    self.preEmphasis = preEmphasis
    self.mlpHiddenSize = mlpHiddenSize
    self.embeddingSize = embeddingSize
    self.augmentation = augmentation
  }

  /// Range checks shared by the CLI flags and manifest decoding.
  public func validate() throws(AudioError) {
    func check(_ ok: Bool, _ message: String) throws(AudioError) { if !ok { throw .invalidSetting(message) } }
    try check((1000...192_000).contains(sampleRate), "`rate` must be in 1000...192000 Hz, got \(sampleRate)")
    try check((1...256).contains(frameSize), "`frameSize` must be in 1...256, got \(frameSize)")
    try check((0...256).contains(window), "`window` must be in 0...256, got \(window)")
    try check(
      inputSamples >= frameSize && inputSamples <= frameSize + window,
      "`inputSamples` must be in `frameSize`...`frameSize` + `window` (\(frameSize)...\(frameSize + window)), got \(inputSamples)"
    )
    try check(levels == 256, "only 256 quantisation levels are supported, got \(levels)")
    try check(
      preEmphasis.isFinite && preEmphasis >= 0 && preEmphasis <= 0.97,
      "`preEmphasis` must be in 0...0.97, got \(preEmphasis)")
    try check((1...4096).contains(mlpHiddenSize), "`mlpHiddenSize` must be in 1...4096, got \(mlpHiddenSize)")
    try check((1...1024).contains(embeddingSize), "`sampleEmbeddingSize` must be in 1...1024, got \(embeddingSize)")
    if let t = trimSilenceDB {
      try check(t.isFinite && t < 0 && t >= -120, "`trimSilence` must be a level in dBFS in -120..<0, got \(t)")
    }
    if let n = normalizePeakDB {
      try check(n.isFinite && n <= 0 && n >= -60, "`normalize` must be a peak in dBFS in -60...0, got \(n)")
    }
    try augmentation?.validate()
  }

  enum CodingKeys: String, CodingKey {
    case sampleRate, frameSize, window, inputSamples, quantization, levels, trimSilenceDB, normalizePeakDB, preEmphasis,
      mlpHiddenSize, embeddingSize, augmentation
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    // Models saved before the window crossed frame boundaries have another head (a window of
    // N − 1 inside the frame) that these weights cannot stand in for.
    // (The codec's own coding path, not the key's, so the manifest's error shows the message.)
    guard let window = try c.decodeIfPresent(Int.self, forKey: .window) else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: c.codingPath,
          debugDescription:
            "no sample-level window: the model was saved by an older seqgen whose head saw only the current frame; train it again"
        ))
    }
    self.init(
      sampleRate: try c.decode(Int.self, forKey: .sampleRate), frameSize: try c.decode(Int.self, forKey: .frameSize),
      window: window,
      inputSamples: try c.decodeIfPresent(Int.self, forKey: .inputSamples),
      quantization: try c.decode(Quantization.self, forKey: .quantization),
      levels: try c.decode(Int.self, forKey: .levels),
      trimSilenceDB: try c.decodeIfPresent(Double.self, forKey: .trimSilenceDB),
      normalizePeakDB: try c.decodeIfPresent(Double.self, forKey: .normalizePeakDB),
      preEmphasis: try c.decodeIfPresent(Double.self, forKey: .preEmphasis) ?? 0,
      mlpHiddenSize: try c.decode(Int.self, forKey: .mlpHiddenSize),
      embeddingSize: try c.decode(Int.self, forKey: .embeddingSize),
      augmentation: try c.decodeIfPresent(AudioAugmentation.self, forKey: .augmentation))
    do { try validate() } catch {
      throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: error.description))
    }
  }

  /// Seconds of audio in one frame.
  public var frameSeconds: Double { Double(frameSize) / Double(sampleRate) }

  /// The level of a sample value.
  public func level(_ x: Float) -> Int { quantization.level(x, levels: levels) }

  /// The sample value of a level.
  public func value(_ level: Int) -> Float { quantization.value(level, levels: levels) }

  /// x[n] − α·x[n−1]: what the model sees of recorded samples (x[−1] = 0).
  public func emphasize(_ x: [Float]) -> [Float] {
    guard preEmphasis > 0 else { return x }
    let a = Float(preEmphasis)
    return x.indices.map { $0 == 0 ? x[0] : x[$0] - a * x[$0 - 1] }
  }

  /// The inverse, y[n] = x[n] + α·y[n−1], clipped to ±1: audio back from what the model drew.
  public func deemphasize(_ x: [Float]) -> [Float] {
    guard preEmphasis > 0 else { return x }
    let a = Float(preEmphasis)
    var y = [Float](repeating: 0, count: x.count)
    var previous: Float = 0
    for n in x.indices {
      previous = max(-1, min(1, x[n] + a * previous))
      y[n] = previous
    }
    return y
  }

  /// The LSTM's view of a level: its position among the levels mapped to [−1, 1] (the companded
  /// value for mu-law, as SampleRNN feeds its frame tier), so every level is equally far apart.
  public func inputValue(_ level: Int) -> Float { Float(level) / Float(levels - 1) * 2 - 1 }
}
