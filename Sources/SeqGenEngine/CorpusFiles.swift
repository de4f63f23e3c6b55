import Foundation

/// Finds the files of a corpus path, the same way for every domain: the path itself if it is a
/// file, else every regular file under the directory (recursively, hidden files skipped) with one
/// of the domain's extensions (or any, for a domain that judges files by their content), sorted
/// by path.
public enum CorpusFiles {
  /// Why a path gave no files; each domain wraps it in its own error naming the path.
  public enum Problem: Error, Equatable {
    case missing
    case unlistable
    case noMatchingFiles

    /// The message, e.g. "directory contains no audio files (.flac, .wav)".
    public func reason(kind: String, extensions: Set<String>) -> String {
      switch self {
      case .missing: "no such file or directory"
      case .unlistable: "cannot list directory"
      case .noMatchingFiles where extensions.isEmpty: "directory contains no files"
      case .noMatchingFiles:
        "directory contains no \(kind) files (\(extensions.sorted().map { "." + $0 }.joined(separator: ", ")))"
      }
    }
  }

  /// - Parameter extensions: the file name extensions read (lower case, no dot); nil: every file.
  public static func find(at url: URL, extensions: Set<String>?) throws(Problem) -> [URL] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { throw .missing }
    guard isDir.boolValue else { return [url] }
    guard
      let walker = FileManager.default.enumerator(
        at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
    else { throw .unlistable }
    var found: [URL] = []
    for case let file as URL in walker where extensions?.contains(file.pathExtension.lowercased()) ?? true {
      if (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { found.append(file) }
    }
    guard !found.isEmpty else { throw .noMatchingFiles }
    return found.sorted { $0.path < $1.path }
  }
}
