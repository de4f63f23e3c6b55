import ESpeak
import Testing

/// The espeak-ng wrapper: real synthesis, phonemes, and what it refuses.
@Suite struct ESpeakTests {
  @Test func saysASentenceAtItsRate() throws {
    let rate = try ESpeak.sampleRate()
    #expect(rate == 22050)
    let samples = try ESpeak.synthesize("The boat left the harbour at dawn.", voice: "en-us+klatt")
    let seconds = Double(samples.count) / Double(rate)
    #expect(seconds > 1.2 && seconds < 4, "\(seconds) s")
    let peak = samples.map { abs(Int($0)) }.max() ?? 0
    #expect(peak > 3000, "peak \(peak)")
    // Faster speech is shorter; the same call says it as long again (the Klatt voice's noise
    // source is random, so not in the same samples).
    let fast = try ESpeak.synthesize("The boat left the harbour at dawn.", voice: "en-us+klatt", rate: 300)
    #expect(fast.count < samples.count * 3 / 4)
    let again = try ESpeak.synthesize("The boat left the harbour at dawn.", voice: "en-us+klatt")
    #expect(abs(again.count - samples.count) <= samples.count / 50)
  }

  @Test func phonemesFollowSoundNotSpelling() throws {
    let knight = try ESpeak.phonemes("knight", voice: "en-us")
    let night = try ESpeak.phonemes("night", voice: "en-us")
    #expect(!knight.isEmpty && knight == night, "\(knight) / \(night)")
    #expect(try ESpeak.phonemes("The boat left.", voice: "en-us").split(separator: " ").count >= 2)
  }

  @Test func refusesWhatItCannotDo() {
    #expect(throws: ESpeakError.unknownVoice("xx-nowhere")) { try ESpeak.synthesize("hi", voice: "xx-nowhere") }
    #expect(throws: ESpeakError.self) { try ESpeak.synthesize("hi", voice: "en-us", rate: 20) }
    #expect(throws: ESpeakError.self) { try ESpeak.synthesize("hi", voice: "en-us", pitch: 101) }
  }
}
