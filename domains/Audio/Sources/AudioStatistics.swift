import Foundation
import SeqGenEngine

/// Numbers that tell a clip of speech from silence and from noise, used to check generated
/// audio for collapse: loudness (RMS), spectral flatness, harmonicity and level spread.
public enum AudioStatistics {
  /// Root mean square of the samples.
  public static func rms(_ x: [Float]) -> Double {
    guard !x.isEmpty else { return 0 }
    return (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
  }

  /// RMS in dB relative to full scale (−∞ for digital silence).
  public static func rmsDB(_ x: [Float]) -> Double { 20 * log10(rms(x)) }

  /// Spectral flatness: for each Hann-windowed frame of `window` samples (hop window/2) the
  /// geometric over the arithmetic mean of the magnitude spectrum (DC excluded), averaged over
  /// the frames louder than −60 dBFS. This is librosa's `spectral_flatness(power=1)`, the
  /// measure the reference figures use: about 0.85 for white noise, 0.2–0.3 for real speech,
  /// near 0 for a tone. Nil when shorter than one window or silent throughout.
  public static func spectralFlatness(_ x: [Float], window: Int = 512) -> Double? {
    guard x.count >= window else { return nil }
    let hann = (0..<window).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(window)) }
    let quiet = pow(10, -60.0 / 20)
    var sum = 0.0
    var frames = 0
    var start = 0
    while start + window <= x.count {
      let segment = x[start..<(start + window)]
      start += window / 2
      guard rms(Array(segment)) > quiet else { continue }
      let magnitude = FFT.powerSpectrum(segment.enumerated().map { Double($0.element) * hann[$0.offset] }).dropFirst()
        .map { max($0.squareRoot(), 1e-10) }
      let mean = magnitude.reduce(0, +) / Double(magnitude.count)
      let logMean = magnitude.reduce(0.0) { $0 + log($1) } / Double(magnitude.count)
      sum += exp(logMean) / mean
      frames += 1
    }
    return frames > 0 ? sum / Double(frames) : nil
  }

  /// "RMS …, spectral flatness …, harmonicity …, level spread …": the figures `seqgen generate`
  /// prints and the waveform picture shows for a clip, "–" where a figure has no value (silence).
  public static func summary(_ x: [Float], rate: Int) -> String {
    func show(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "–" }
    return String(format: "RMS %.1f dBFS, ", rmsDB(x)) + "spectral flatness \(show(spectralFlatness(x), "%.3f")), "
      + "harmonicity \(show(harmonicity(x, rate: rate), "%.1f dB")), level spread \(show(levelSpread(x, rate: rate), "%.1f dB"))"
  }

  /// Harmonicity: the harmonics-to-noise ratio in dB, averaged over the clip's 40 ms frames
  /// (hop 20 ms) louder than −45 dBFS. Per frame, r is the normalised autocorrelation's peak at
  /// a lag of one pitch period (60–400 Hz), searched only past its first zero crossing so that
  /// low-passed noise and hum, whose correlation merely decays, score low; HNR = 10·log10(r/(1−r))
  /// as in Boersma (1993), r clamped to [0.001, 0.999]. Flatness alone cannot tell voiced babble
  /// from shaped noise, nor a steady drone from speech; this tells the first pair apart (the speech
  /// fixture after mu-law: 8–14 dB per file; white or low-passed noise: about −8 dB; a pure tone:
  /// 30 dB). Nil when no frame is loud enough.
  public static func harmonicity(_ x: [Float], rate: Int) -> Double? {
    let length = rate / 25
    let minLag = rate / 400
    let maxLag = rate / 60
    guard minLag >= 1, x.count >= length + maxLag else { return nil }
    let quiet = pow(10, -45.0 / 20)
    var sum = 0.0
    var frames = 0
    var start = 0
    while start + length + maxLag <= x.count {
      defer { start += length / 2 }
      guard rms(Array(x[start..<(start + length)])) > quiet else { continue }
      let r = min(max(periodicity(x, start: start, length: length, lags: minLag...maxLag), 0.001), 0.999)
      sum += 10 * log10(r / (1 - r))
      frames += 1
    }
    return frames > 0 ? sum / Double(frames) : nil
  }

  /// Level spread: the standard deviation, in dB, of the clip's 20 ms RMS levels, over the
  /// frames louder than −50 dBFS (so a silent lead-in or tail does not count). Speech rises and
  /// falls with its syllables (the speech fixture: 8–15 dB per file); a steady drone or hiss
  /// does not (2–3 dB), however periodic it is, which harmonicity alone cannot see. Nil with
  /// fewer than two such frames.
  public static func levelSpread(_ x: [Float], rate: Int) -> Double? {
    let length = rate / 50
    guard length >= 1, x.count >= length else { return nil }
    let levels = stride(from: 0, through: x.count - length, by: length).map { rmsDB(Array(x[$0..<($0 + length)])) }
      .filter { $0 > -50 }
    guard levels.count >= 2 else { return nil }
    let mean = levels.reduce(0, +) / Double(levels.count)
    return (levels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(levels.count)).squareRoot()
  }

  /// The highest normalised correlation of x[start..<start+length] with itself shifted by a lag
  /// in `lags`, after the correlation's first zero crossing (0 if it never crosses).
  static func periodicity(_ x: [Float], start: Int, length: Int, lags: ClosedRange<Int>) -> Double {
    var crossed = false
    var best = 0.0
    for lag in 1...lags.upperBound {
      var xy = 0.0
      var xx = 0.0
      var yy = 0.0
      for n in start..<(start + length) {
        let a = Double(x[n])
        let b = Double(x[n + lag])
        xy += a * b
        xx += a * a
        yy += b * b
      }
      let r = xx > 0 && yy > 0 ? xy / (xx * yy).squareRoot() : 0
      if r < 0 { crossed = true }
      if crossed, lag >= lags.lowerBound { best = max(best, r) }
    }
    return best
  }

  /// Mean |FFT|² over Hann-windowed, half-overlapping frames: window/2 + 1 bins.
  public static func averagePowerSpectrum(_ x: [Float], window: Int) -> [Double] {
    let hann = (0..<window).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(window)) }
    var sum = [Double](repeating: 0, count: window / 2 + 1)
    var frames = 0
    var start = 0
    while start + window <= x.count {
      let spectrum = FFT.powerSpectrum((0..<window).map { Double(x[start + $0]) * hann[$0] })
      for k in sum.indices { sum[k] += spectrum[k] }
      frames += 1
      start += window / 2
    }
    return sum.map { $0 / Double(max(frames, 1)) }
  }
}

/// A radix-2 FFT, enough for spectra and spectrograms of short clips.
enum FFT {
  /// |X_k|² for k = 0…n/2 of a real signal whose length n is a power of two.
  static func powerSpectrum(_ x: [Double]) -> [Double] {
    let n = x.count
    precondition(n > 1 && n & (n - 1) == 0, "FFT length must be a power of two")
    var re = x
    var im = [Double](repeating: 0, count: n)
    var j = 0
    for i in 1..<n {
      var bit = n >> 1
      while j & bit != 0 {
        j ^= bit
        bit >>= 1
      }
      j |= bit
      if i < j {
        re.swapAt(i, j)
        im.swapAt(i, j)
      }
    }
    var length = 2
    while length <= n {
      let angle = -2 * Double.pi / Double(length)
      for start in stride(from: 0, to: n, by: length) {
        for k in 0..<(length / 2) {
          let wr = cos(angle * Double(k))
          let wi = sin(angle * Double(k))
          let a = start + k
          let b = a + length / 2
          let tr = re[b] * wr - im[b] * wi
          let ti = re[b] * wi + im[b] * wr
          re[b] = re[a] - tr
          im[b] = im[a] - ti
          re[a] += tr
          im[a] += ti
        }
      }
      length <<= 1
    }
    return (0...(n / 2)).map { re[$0] * re[$0] + im[$0] * im[$0] }
  }
}

extension AudioStatistics {
  /// The baseline any model must beat: bits per sample of the validation targets under the
  /// level frequencies of the training data (add-one smoothed), i.e. the mu-law unigram
  /// cross-entropy. Validation sequences start one frame early (as `EncodedCorpus.split` makes
  /// them), so their first frame, an input only, is skipped.
  public static func unigramBitsPerSample(train: [[AudioFrame]], validation: [[AudioFrame]], levels: Int) -> Double? {
    var counts = [Double](repeating: 1, count: levels)
    for sequence in train { for frame in sequence { for level in frame.levels { counts[level] += 1 } } }
    let total = counts.reduce(0, +)
    var bits = 0.0
    var n = 0
    for sequence in validation {
      for frame in sequence.dropFirst() {
        for level in frame.levels {
          bits -= log2(counts[level] / total)
          n += 1
        }
      }
    }
    return n > 0 ? bits / Double(n) : nil
  }
}
