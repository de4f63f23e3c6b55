import Foundation
import SeqGenTestSupport

/// The temporary folders of these tests.
typealias TempDir = TemporaryDirectory

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

let fixtureLines = repositoryRoot.appendingPathComponent("fixtures/handwriting/hershey-lines")

/// An InkML document with the given trace bodies (and optional extra markup before them).
func inkML(_ traces: [String], head: String = "") -> String {
  "<?xml version=\"1.0\"?>\n<ink xmlns=\"http://www.w3.org/2003/InkML\">\n\(head)"
    + traces.map { "<trace>\($0)</trace>\n" }.joined() + "</ink>\n"
}
