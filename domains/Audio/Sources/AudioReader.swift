import Foundation
import SeqGenEngine
import SoundIO

/// Finds audio files and turns each into mono samples at the model rate: libsndfile decode,
/// mix-down, libsamplerate resampling, optional silence trim and peak normalisation.
enum AudioReader {
  /// The file itself, or the audio files under a directory, sorted by path.
  static func files(at url: URL) throws(AudioError) -> [URL] {
    do { return try CorpusFiles.find(at: url, extensions: SoundFile.extensions) } catch {
      throw .unreadable(path: url.path, reason: error.reason(kind: "audio", extensions: SoundFile.extensions))
    }
  }

  /// Decodes a file, checked by `SoundFile` (header limits, truncation, NaN).
  static func decode(_ url: URL) throws(AudioError) -> SoundFile.Audio {
    do { return try SoundFile.readAudio(url, limits: SoundFile.corpusLimits) } catch { throw .sound(error) }
  }

  /// Mono samples at the codec's rate, trimmed, normalised and emphasised as it says: the
  /// signal the model is trained on.
  static func samples(of audio: SoundFile.Audio, codec: AudioCodec, path: String) throws(AudioError) -> [Float] {
    var x = audio.mono
    do {
      x = try Resampler(quality: .medium).resample(x, channels: 1, from: audio.sampleRate, to: codec.sampleRate)
    } catch {
      throw .unreadable(path: path, reason: error.description)
    }
    if let db = codec.trimSilenceDB { x = trimSilence(x, thresholdDB: db, rate: codec.sampleRate) }
    if let db = codec.normalizePeakDB { x = normalizePeak(x, peakDB: db) }
    return codec.emphasize(x)
  }

  /// Cuts leading and trailing audio whose 10 ms windows stay below the threshold, keeping 10 ms
  /// of margin on each side.
  static func trimSilence(_ x: [Float], thresholdDB: Double, rate: Int) -> [Float] {
    let threshold = Float(pow(10, thresholdDB / 20))
    let window = max(1, rate / 100)
    guard let first = x.firstIndex(where: { abs($0) >= threshold }),
      let last = x.lastIndex(where: { abs($0) >= threshold })
    else {
      return []
    }
    return Array(x[max(0, first - window)...min(x.count - 1, last + window)])
  }

  /// Scales so the largest magnitude is `peakDB` dBFS; silence stays silence.
  static func normalizePeak(_ x: [Float], peakDB: Double) -> [Float] {
    let peak = x.reduce(0) { max($0, abs($1)) }
    guard peak > 1e-6 else { return x }
    let gain = Float(pow(10, peakDB / 20)) / peak
    return x.map { $0 * gain }
  }

  /// The levels of `samples`, cut into whole frames (a partial last frame is dropped), each with
  /// the levels of the `codec.window` samples before it (silence before the first sample).
  static func frames(_ samples: [Float], codec: AudioCodec) -> [AudioFrame] {
    let n = codec.frameSize
    let w = codec.window
    let levels = [Int](repeating: codec.level(0), count: w) + samples.map(codec.level)
    return (0..<(samples.count / n)).map { f in
      AudioFrame(levels: Array(levels[(w + f * n)..<(w + f * n + n)]), context: Array(levels[(f * n)..<(f * n + w)]))
    }
  }
}
