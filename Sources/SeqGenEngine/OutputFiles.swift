import Foundation

/// Where several outputs of one request go when each is a file of its own (audio clips).
public enum OutputFiles {
  /// `url` for one output; `name-1.ext`, `name-2.ext`, … for several.
  public static func numbered(_ url: URL, count: Int) -> [URL] {
    guard count > 1 else { return [url] }
    let ext = url.pathExtension
    let base = url.deletingPathExtension()
    return (1...count).map {
      base.deletingLastPathComponent().appendingPathComponent("\(base.lastPathComponent)-\($0)").appendingPathExtension(
        ext)
    }
  }
}
