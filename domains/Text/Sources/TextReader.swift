import Foundation
import SeqGenEngine

/// Finds text files and decodes them as strict UTF-8, reporting the byte offset of bad input.
enum TextReader {
  /// The file itself, or the files under a directory with one of `extensions` (every file when
  /// nil), sorted by path.
  static func files(at url: URL, extensions: Set<String>?) throws(TextError) -> [URL] {
    do { return try CorpusFiles.find(at: url, extensions: extensions) } catch {
      throw .unreadable(path: url.path, reason: error.reason(kind: "text", extensions: extensions ?? []))
    }
  }

  /// The text of `url`: a file (which must be UTF-8), or the files of a directory. With
  /// `extensions` a directory's files of those extensions must be UTF-8 too; without, every
  /// file is read and those that are not text (not UTF-8, or holding a NUL byte: binary) are
  /// skipped and returned by path.
  static func corpus(at url: URL, extensions: Set<String>?) throws(TextError) -> (
    texts: [(file: URL, scalars: [Unicode.Scalar])], skipped: [String]
  ) {
    let files = try files(at: url, extensions: extensions)
    var texts: [(file: URL, scalars: [Unicode.Scalar])] = []
    var skipped: [String] = []
    let strict = files == [url] || extensions != nil
    for file in files {
      if strict {
        texts.append((file, try scalars(of: file)))
        continue
      }
      do {
        let text = try scalars(of: file)
        if text.contains("\0") { skipped.append(file.path) } else { texts.append((file, text)) }
      } catch .invalidUTF8 {
        skipped.append(file.path)
      }
    }
    guard strict || !texts.isEmpty else { throw .noText(path: url.path, skipped: skipped.count) }
    return (texts, skipped)
  }

  /// The Unicode scalars of a UTF-8 file, without a leading byte-order mark.
  static func scalars(of url: URL) throws(TextError) -> [Unicode.Scalar] {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .unreadable(path: url.path, reason: "cannot read: \((error as NSError).localizedDescription)")
    }
    var bytes = data[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(bytes.count)
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = bytes.startIndex - data.startIndex
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let s):
        result.append(s)
        offset += UTF8.width(s)
      case .emptyInput:
        break loop
      case .error:
        throw .invalidUTF8(path: url.path, offset: offset)
      }
    }
    return result
  }
}
