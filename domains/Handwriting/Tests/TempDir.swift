import Foundation

/// A fresh directory under the system temporary directory; `remove()` it when done.
struct TempDir {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("HandwritingTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` (intermediate folders created) and returns its URL.
  @discardableResult
  func file(_ name: String, _ text: String) throws -> URL {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: file)
    return file
  }
}

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let fixtureLines = repositoryRoot.appendingPathComponent("fixtures/handwriting/hershey-lines")

/// An InkML document with the given trace bodies (and optional extra markup before them).
func inkML(_ traces: [String], head: String = "") -> String {
  "<?xml version=\"1.0\"?>\n<ink xmlns=\"http://www.w3.org/2003/InkML\">\n\(head)" + traces.map { "<trace>\($0)</trace>\n" }.joined() + "</ink>\n"
}
