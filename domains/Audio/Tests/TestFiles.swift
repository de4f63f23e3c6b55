import Foundation
import SeqGenTestSupport

/// The temporary folders of these tests.
typealias TempDir = TemporaryDirectory

/// The repository root, found from this file's path (tests read fixtures from there).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The speech fixture's folder.
let speechFixtures = repositoryRoot.appendingPathComponent("fixtures/audio/speech")
