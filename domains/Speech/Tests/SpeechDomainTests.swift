import Codec2
import Foundation
import SeqGenEngine
import SeqGenTestSupport
import SoundIO
import Testing

@testable import SpeechDomain

let speechFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/audio/speech")

@Suite struct SpeechDomainTests {
  @Test func passesTheConformanceChecks() throws {
    let dir = try TemporaryDirectory("seqgen-speech")
    defer { dir.remove() }
    let corpus = ["added.flac", "dir-multi2.flac"].map { speechFixtures.appendingPathComponent($0) }
    let noise = dir.at("noise.wav")
    try Data("RIFF....WAVEfmt not really".utf8).write(to: noise)
    try DomainConformance.check(SpeechDomain(), corpus: corpus, badFiles: [noise])
  }
}
