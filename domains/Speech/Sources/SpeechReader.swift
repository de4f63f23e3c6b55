import Codec2
import Foundation
import SeqGenEngine
import SoundIO

/// Finds speech clips and their transcripts and codes each clip as codec2 frames: libsndfile
/// decode, mix-down, libsamplerate to 8 kHz, 16-bit PCM, codec2, each frame's fields.
enum SpeechReader {
  /// Largest `metadata.csv` or transcript read (bytes), checked before reading.
  static let maxTextBytes = 64 << 20

  /// A clip and what it says (nil: no transcript).
  struct Clip {
    var url: URL
    var transcript: String?
  }

  /// The clips of a file or folder. A folder with an LJSpeech `metadata.csv` (`id|text` or
  /// `id|text|normalized text` lines, the clips in `wavs/ID.wav`) gives its rows, the
  /// normalised text where there is one; any other folder gives its audio files, each with
  /// the text of `name.txt` beside it when there is one.
  static func clips(at url: URL) throws(SpeechError) -> [Clip] {
    let metadata = url.appendingPathComponent("metadata.csv")
    if FileManager.default.fileExists(atPath: metadata.path) { return try ljSpeech(metadata) }
    let files: [URL]
    do { files = try CorpusFiles.find(at: url, extensions: SoundFile.extensions) } catch {
      throw .unreadable(path: url.path, reason: error.reason(kind: "audio", extensions: SoundFile.extensions))
    }
    return try files.map { file throws(SpeechError) in
      let text = file.deletingPathExtension().appendingPathExtension("txt")
      guard FileManager.default.fileExists(atPath: text.path) else { return Clip(url: file, transcript: nil) }
      return Clip(url: file, transcript: try readText(text))
    }
  }

  /// A UTF-8 text file, size-checked before it is read.
  static func readText(_ url: URL) throws(SpeechError) -> String {
    let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
    guard let size else { throw .unreadable(path: url.path, reason: "cannot read") }
    guard size <= maxTextBytes else {
      throw .unreadable(
        path: url.path, reason: "\(size) bytes; text files of at most \(maxTextBytes >> 20) MiB are read")
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw .unreadable(path: url.path, reason: "cannot read")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .unreadable(path: url.path, reason: "not UTF-8 text")
    }
    return text
  }

  /// The rows of an LJSpeech `metadata.csv`.
  static func ljSpeech(_ metadata: URL) throws(SpeechError) -> [Clip] {
    let folder = metadata.deletingLastPathComponent().appendingPathComponent("wavs")
    var clips: [Clip] = []
    for (n, line) in try readText(metadata).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let row = line.hasSuffix("\r") ? line.dropLast() : line[...]
      if row.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      let columns = row.split(separator: "|", omittingEmptySubsequences: false)
      guard columns.count == 2 || columns.count == 3 else {
        throw .badMetadata(
          path: metadata.path, line: n + 1,
          reason: "expected id|text or id|text|normalized text, got \(columns.count) columns")
      }
      let id = String(columns[0])
      guard !id.isEmpty, !id.contains("/"), id != ".", id != ".." else {
        throw .badMetadata(path: metadata.path, line: n + 1, reason: "the id \(id.debugDescription) names no file")
      }
      let text = String(columns.count == 3 && !columns[2].isEmpty ? columns[2] : columns[1])
      guard !SpeechCodec.normalized(text).isEmpty else {
        throw .badMetadata(path: metadata.path, line: n + 1, reason: "empty text for \(id)")
      }
      let wav = folder.appendingPathComponent(id + ".wav")
      guard FileManager.default.fileExists(atPath: wav.path) else {
        throw .badMetadata(path: metadata.path, line: n + 1, reason: "no clip \(wav.path)")
      }
      clips.append(Clip(url: wav, transcript: text))
    }
    guard !clips.isEmpty else { throw .unreadable(path: metadata.path, reason: "no rows") }
    return clips
  }

  /// A clip as 8 kHz 16-bit PCM: decoded, mixed down, resampled.
  static func pcm(_ url: URL) throws(SpeechError) -> [Int16] {
    let audio: SoundFile.Audio
    do { audio = try SoundFile.readAudio(url, limits: SoundFile.corpusLimits) } catch { throw .sound(error) }
    var x = audio.mono
    do {
      x = try Resampler(quality: .medium).resample(x, channels: 1, from: audio.sampleRate, to: Codec2Mode.sampleRate)
    } catch {
      throw .unreadable(path: url.path, reason: error.description)
    }
    return x.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
  }

  /// A clip's codec2 frames (a last partial frame padded with silence).
  static func frames(_ url: URL, mode: Codec2Mode) throws(SpeechError) -> [SpeechFrame] {
    let pcm = try pcm(url)
    guard pcm.count >= mode.samplesPerFrame else {
      throw .tooShort(
        path: url.path, seconds: Double(pcm.count) / Double(Codec2Mode.sampleRate), frameSeconds: mode.frameSeconds)
    }
    return try frames(of: pcm, mode: mode)
  }

  static func frames(of pcm: [Int16], mode: Codec2Mode) throws(SpeechError) -> [SpeechFrame] {
    do {
      let codec = try Codec2(mode: mode)
      return try codec.encode(pcm).map { bytes throws(Codec2Error) in SpeechFrame(fields: try mode.unpack(bytes)) }
    } catch {
      throw .codec(error)
    }
  }

  /// Frames back to 8 kHz samples in −1...1.
  static func waveform(_ frames: [SpeechFrame], mode: Codec2Mode) throws(SpeechError) -> [Float] {
    do {
      let packed = try frames.map { frame throws(Codec2Error) in try mode.pack(frame.fields) }
      return try Codec2(mode: mode).decode(packed).map { Float($0) / 32768 }
    } catch {
      throw .codec(error)
    }
  }
}
