import ESpeak
import Foundation
import SeqGenEngine
import SoundIO

/// A speech corpus said by espeak-ng, in the LJSpeech layout (`metadata.csv` of `id|text|text`
/// lines, the clips in `wavs/ID.wav` at espeak-ng's 22,050 Hz): a voice that says exactly its
/// transcripts, every sentence a little faster or slower, higher or lower.
public struct SyntheticCorpus: Sendable {
  /// espeak-ng's voice name; `en-us+klatt` is the one pocketsphinx recognises best (10% word
  /// error at 16 kHz where the default `en` reads 53%).
  public var voice = "en-us+klatt"
  /// Each sentence's rate is 175 words per minute times 1 ± up to this fraction.
  public var rateJitter = 0.1
  /// Each sentence's base pitch is 50 (of espeak-ng's 0...100) ± up to this.
  public var pitchJitter = 10
  public var seed: UInt64 = 0

  public init(voice: String = "en-us+klatt", rateJitter: Double = 0.1, pitchJitter: Int = 10, seed: UInt64 = 0) {
    self.voice = voice
    self.rateJitter = rateJitter
    self.pitchJitter = pitchJitter
    self.seed = seed
  }

  /// Says each sentence into a new folder `out` (absent or empty), written in a sibling folder
  /// and moved into place at the end, so a failure leaves nothing half-written.
  /// - Returns: the seconds of speech written.
  @discardableResult
  public func write(_ sentences: [String], to out: URL) throws -> Double {
    guard (0...0.5).contains(rateJitter) else {
      throw SpeechError.invalidSetting("`rateJitter` must be in 0...50 percent")
    }
    guard (0...50).contains(pitchJitter) else { throw SpeechError.invalidSetting("`pitchJitter` must be in 0...50") }
    let fm = FileManager.default
    if let existing = try? fm.contentsOfDirectory(atPath: out.path), !existing.isEmpty {
      throw SpeechError.unreadable(path: out.path, reason: "exists and is not empty; give a new folder")
    }
    let staging = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).partial")
    try? fm.removeItem(at: staging)
    try fm.createDirectory(at: staging.appendingPathComponent("wavs"), withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: staging) }
    var rng = SeededGenerator(seed: seed)
    var rows: [String] = []
    var seconds = 0.0
    let rate: Int
    do { rate = try ESpeak.sampleRate() } catch { throw SpeechError.invalidSetting(error.description) }
    for (n, sentence) in sentences.enumerated() {
      let text = sentence.replacingOccurrences(of: "|", with: " ").split(whereSeparator: \.isWhitespace).joined(
        separator: " ")
      guard !text.isEmpty else { continue }
      let wordsPerMinute = Int((175 * (1 + rateJitter * (2 * rng.nextDouble() - 1))).rounded())
      let pitch = 50 + Int((Double(pitchJitter) * (2 * rng.nextDouble() - 1)).rounded())
      let pcm: [Int16]
      do { pcm = try ESpeak.synthesize(text, voice: voice, rate: wordsPerMinute, pitch: pitch) } catch {
        throw SpeechError.invalidSetting(error.description)
      }
      let id = String(format: "espeak-%05d", n + 1)
      do {
        try SoundFile.write(
          pcm.map { Float($0) / 32768 }, channels: 1, sampleRate: rate,
          to: staging.appendingPathComponent("wavs/\(id).wav"))
      } catch { throw SpeechError.sound(error) }
      rows.append("\(id)|\(text)|\(text)")
      seconds += Double(pcm.count) / Double(rate)
    }
    guard !rows.isEmpty else { throw SpeechError.invalidSetting("no sentence to say (every line is empty)") }
    try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: staging.appendingPathComponent("metadata.csv"))
    try? fm.removeItem(at: out)
    try fm.moveItem(at: staging, to: out)
    return seconds
  }
}
