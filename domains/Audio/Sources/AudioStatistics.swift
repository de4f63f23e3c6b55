import Foundation
import SeqGenEngine

/// Numbers that tell a clip of speech from silence and from noise, used to check generated
/// audio for collapse: loudness (RMS) and spectral flatness.
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
    var sum = 0.0, frames = 0
    var start = 0
    while start + window <= x.count {
      let segment = x[start..<(start + window)]
      start += window / 2
      guard rms(Array(segment)) > quiet else { continue }
      let magnitude = FFT.powerSpectrum(segment.enumerated().map { Double($0.element) * hann[$0.offset] }).dropFirst().map { max($0.squareRoot(), 1e-10) }
      let mean = magnitude.reduce(0, +) / Double(magnitude.count)
      let logMean = magnitude.reduce(0.0) { $0 + log($1) } / Double(magnitude.count)
      sum += exp(logMean) / mean
      frames += 1
    }
    return frames > 0 ? sum / Double(frames) : nil
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
    var re = x, im = [Double](repeating: 0, count: n)
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
          let wr = cos(angle * Double(k)), wi = sin(angle * Double(k))
          let a = start + k, b = a + length / 2
          let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
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
    var bits = 0.0, n = 0
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
