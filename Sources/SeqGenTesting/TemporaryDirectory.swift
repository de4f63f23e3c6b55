import Foundation

/// A fresh directory under the system temporary directory, for files a test writes;
/// `remove()` it when done. The one temporary-folder helper of every test target.
public struct TemporaryDirectory: Sendable {
  public let url: URL

  public init(_ prefix: String = "seqgen-tests") throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  public func remove() { try? FileManager.default.removeItem(at: url) }

  /// The URL of `name` inside the directory.
  public func at(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// The path of `name` inside the directory.
  public func path(_ name: String) -> String { at(name).path }

  /// Writes `bytes` to `name` (intermediate folders created) and returns its URL.
  @discardableResult
  public func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let file = at(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
    return file
  }

  @discardableResult
  public func file(_ name: String, _ text: String) throws -> URL { try file(name, Array(text.utf8)) }

  /// Writes `bytes` to `name` and returns its path.
  @discardableResult
  public func write(_ name: String, _ bytes: [UInt8]) throws -> String { try file(name, bytes).path }

  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String { try file(name, text).path }
}
