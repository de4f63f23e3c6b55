import Foundation
import SeqGenEngine

/// What audio generation takes beyond the shared request: clip length, how much of a prime
/// recording, the written rate, and where sampling is sharpened.
public struct AudioGenerationOptions: Codable, Sendable, Equatable {
  /// Seconds per clip (nil: `defaultSeconds`).
  public var seconds: Double?
  /// Use only the first this-many seconds of the prime recording.
  public var primeSeconds: Double?
  /// Leave the prime out of the written clips.
  public var stripPrime = false
  /// Resample the written clips to this rate with libsamplerate (nil: the model rate).
  public var outputRate: Int?
  /// Also draw the clips' waveforms and spectrograms to this SVG file.
  public var waveform: String?
  /// Apply temperature and the cut-offs only where the window before a sample is louder than
  /// this (dBFS, measured on the model's signal, after pre-emphasis); quieter, draw from the
  /// plain softmax, so silence can still turn into sound.
  public var sharpenAbove: Double?

  public static let defaultSeconds = 2.0
  /// Sampling left open gets the best measured recipe on speech: top-k 20 where the window is
  /// louder than −45 dBFS (flatness 0.30 over ten clips, speech's own 0.23–0.33, against the
  /// plain softmax's hiss at 0.77).
  /// `topK` 256 (every level) is the plain softmax; `sharpenAbove` −120 sharpens everywhere.
  public static let defaultTopK = 20
  public static let defaultSharpenAbove = -45.0
  public static let maxSeconds = 3600.0

  public init(
    seconds: Double? = nil, primeSeconds: Double? = nil, stripPrime: Bool = false, outputRate: Int? = nil,
    waveform: String? = nil,
    sharpenAbove: Double? = nil
  ) {
    self.seconds = seconds
    self.primeSeconds = primeSeconds
    self.stripPrime = stripPrime
    self.outputRate = outputRate
    self.waveform = waveform
    self.sharpenAbove = sharpenAbove
  }

  /// Decodes JSON in which every field may be left out.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      seconds: try c.decodeIfPresent(Double.self, forKey: .seconds),
      primeSeconds: try c.decodeIfPresent(Double.self, forKey: .primeSeconds),
      stripPrime: try c.decodeIfPresent(Bool.self, forKey: .stripPrime) ?? false,
      outputRate: try c.decodeIfPresent(Int.self, forKey: .outputRate),
      waveform: try c.decodeIfPresent(String.self, forKey: .waveform),
      sharpenAbove: try c.decodeIfPresent(Double.self, forKey: .sharpenAbove))
  }

  public func validate() throws(EngineError) {
    if let seconds, !(seconds > 0 && seconds <= Self.maxSeconds) {
      throw .invalidOption(name: "seconds", reason: "must be in (0, \(Int(Self.maxSeconds))], got \(seconds)")
    }
    if let primeSeconds, !(primeSeconds > 0 && primeSeconds.isFinite) {
      throw .invalidOption(name: "primeSeconds", reason: "must be a positive number, got \(primeSeconds)")
    }
    if let outputRate, !(1000...384_000).contains(outputRate) {
      throw .invalidOption(name: "outputRate", reason: "must be in 1000...384000 Hz, got \(outputRate)")
    }
    if let sharpenAbove, !(sharpenAbove >= -120 && sharpenAbove < 0) {
      throw .invalidOption(name: "sharpenAbove", reason: "must be a level in dBFS in -120..<0, got \(sharpenAbove)")
    }
    if let waveform, !waveform.lowercased().hasSuffix(".svg") {
      throw .invalidOption(name: "waveform", reason: "writes SVG; give a file name ending in .svg, got \(waveform)")
    }
  }

  /// The gate in levels from the middle: the level distance of a sample at `sharpenAbove` dBFS.
  func loudnessGate(_ codec: AudioCodec) -> Int? {
    sharpenAbove.map { abs(codec.level(Float(pow(10, $0 / 20))) - codec.level(0)) }
  }
}
