import Foundation
import SeqGenEngine
import SoundIO

/// Speed perturbation and random gain, drawn afresh for every training file each epoch.
///
/// Speed perturbation (Ko et al. 2015, "Audio Augmentation for Speech Recognition") resamples a
/// recording as if played faster or slower, which moves pitch and formants together, as
/// another speaker would; with a minute of speech, each epoch then sees a voice the model has
/// not memorised. A gain in ±`gainDB` varies loudness, which mu-law keeps roughly constant in
/// resolution. Kept in the run's codec, so a resumed run continues with the same settings.
public struct AudioAugmentation: Codable, Sendable, Equatable {
  /// Largest relative change of speed, as a fraction (0.1 = ±10%), in 0…0.3.
  public var speed: Double
  /// Largest gain change in dB, in 0…12.
  public var gainDB: Double

  public init(speed: Double, gainDB: Double) {
    self.speed = speed
    self.gainDB = gainDB
  }

  public func validate() throws(AudioError) {
    guard speed.isFinite, speed >= 0, speed <= 0.3 else {
      throw .invalidSetting("`speed` must be in 0...30 percent, got \(speed * 100)")
    }
    guard gainDB.isFinite, gainDB >= 0, gainDB <= 12 else {
      throw .invalidSetting("`gain` must be in 0...12 dB, got \(gainDB)")
    }
  }

  /// One random variant of `samples` at `rate`, drawn from `seed`: played at a speed in
  /// 1 ± `speed` (libsamplerate, so no aliasing) and scaled by a gain in ±`gainDB`, clipped to ±1.
  public func variant(of samples: [Float], rate: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    let factor = 1 + speed * (2 * rng.nextDouble() - 1)
    let gain = Float(pow(10, gainDB * (2 * rng.nextDouble() - 1) / 20))
    // Played `factor` times faster: the same samples read as if recorded at rate · factor.
    let from = Int((Double(rate) * factor).rounded())
    var x = samples
    // (Both rates are valid and the samples finite, so libsamplerate has nothing to refuse;
    // were it to, the file trains unchanged this epoch.)
    if from != rate,
      let resampled = try? Resampler(quality: .medium).resample(samples, channels: 1, from: from, to: rate)
    {
      x = resampled
    }
    return x.map { max(-1, min(1, $0 * gain)) }
  }
}
