import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import AudioDomain

/// Speed perturbation and gain: drawn per file and epoch from the seed, applied to the samples
/// (pitch and length move together), framed again like the corpus, kept in the codec.
@Suite struct AudioAugmentationTests {
  /// Zero crossings per second of a clip: twice its frequency for a sine.
  func frequency(_ x: [Float], rate: Int) -> Double {
    let crossings = zip(x, x.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count
    return Double(crossings) * Double(rate) / Double(x.count)
  }

  @Test func aVariantPlaysAtADrawnSpeedAndGain() {
    let rate = 8000
    let tone = sine(frequency: 200, seconds: 1, rate: rate, amplitude: 0.25)
    let augmentation = AudioAugmentation(speed: 0.1, gainDB: 6)
    let variants = (0..<8).map { augmentation.variant(of: tone, rate: rate, seed: UInt64($0)) }
    for v in variants {
      let factor = Double(tone.count) / Double(v.count)
      #expect(factor >= 0.9 - 1e-3 && factor <= 1.1 + 1e-3)
      // Played faster, the tone is higher by the same factor.
      #expect(
        abs(frequency(v, rate: rate) / 200 - factor) < 0.02, "factor \(factor), frequency \(frequency(v, rate: rate))")
      let peak = v.map(abs).max()!
      #expect(peak >= 0.25 * 0.5 * 0.97 && peak <= 0.25 * 2 * 1.03, "peak \(peak)")
    }
    #expect(Set(variants.map(\.count)).count > 4, "speeds differ between draws")
    let peaks = variants.map { $0.map(abs).max()! }
    #expect(
      peaks.contains { $0 < 0.25 * 0.8 } && peaks.contains { $0 > 0.25 * 1.25 }, "gains differ between draws: \(peaks)")
    #expect(augmentation.variant(of: tone, rate: rate, seed: 5) == variants[5])
  }

  @Test func loudVariantsAreClippedToFullScale() {
    let loud = sine(frequency: 100, seconds: 0.2, rate: 8000, amplitude: 0.95)
    let augmentation = AudioAugmentation(speed: 0, gainDB: 12)
    for seed in UInt64(0)..<10 {
      let v = augmentation.variant(of: loud, rate: 8000, seed: seed)
      #expect(v.count == loud.count, "no speed change: same length")
      #expect(v.allSatisfy { abs($0) <= 1 })
    }
  }

  @Test func theDomainFramesAVariantAgainWithItsWindow() throws {
    let codec = AudioCodec(sampleRate: 8000, frameSize: 4, augmentation: AudioAugmentation(speed: 0.2, gainDB: 0))
    let domain = AudioDomain(settings: codec)
    #expect(domain.augments(codec))
    #expect(!domain.augments(AudioCodec(sampleRate: 8000, frameSize: 4)))
    let frames = AudioReader.frames(sine(frequency: 300, seconds: 0.1, rate: 8000), codec: codec)
    let original = SourceSequence(source: "tone", steps: frames)
    let lengths = Set(
      (0..<6).map { seed in
        let v = domain.augment(original, codec: codec, seed: UInt64(seed))
        #expect(v.source == "tone")
        #expect(v.steps.allSatisfy { $0.levels.count == 4 && $0.context.count == 4 })
        #expect(
          v.steps[0].context == Array(repeating: codec.level(0), count: 4), "silence before the first sample, as read")
        #expect(
          zip(v.steps, v.steps.dropFirst()).allSatisfy { $1.context == $0.levels }, "each window is the frame before")
        return v.steps.count
      })
    #expect(lengths.count > 1)
  }

  @Test func settingsAreCheckedAndKeptInTheCodec() throws {
    for (bad, flag) in [
      (AudioAugmentation(speed: 0.31, gainDB: 0), "`speed`"), (AudioAugmentation(speed: 0, gainDB: 13), "`gain`"),
      (AudioAugmentation(speed: -0.1, gainDB: 0), "`speed`"), (AudioAugmentation(speed: .nan, gainDB: 0), "`speed`"),
    ] {
      #expect { try AudioCodec(sampleRate: 8000, augmentation: bad).validate() } throws: { "\($0)".contains(flag) }
    }
    let codec = AudioCodec(sampleRate: 8000, augmentation: AudioAugmentation(speed: 0.1, gainDB: 3))
    #expect(try JSONDecoder().decode(AudioCodec.self, from: JSONEncoder().encode(codec)) == codec)
    // Codecs saved without augmentation (all runs before it existed) read as none.
    let plain = try JSONEncoder().encode(AudioCodec(sampleRate: 8000))
    #expect(!String(decoding: plain, as: UTF8.self).contains("augmentation"))
    #expect(try JSONDecoder().decode(AudioCodec.self, from: plain).augmentation == nil)
  }
}
