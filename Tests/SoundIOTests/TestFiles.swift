import Foundation
import SeqGenTestSupport

/// The temporary folders of these tests.
typealias TempDir = TemporaryDirectory

/// The speech fixture's folder (real FLAC files read through libsndfile).
let speechFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
  .appendingPathComponent("fixtures/audio/speech")
