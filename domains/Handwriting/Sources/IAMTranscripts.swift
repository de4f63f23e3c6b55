import Foundation

/// Pairs IAM On-Line Handwriting Database stroke files with their text, as that database ships
/// them: the stroke file `…/lineStrokes/a01/a01-000/a01-000u-05.xml` is line 5 of the `CSR:`
/// section (the corrected transcription, one text line per stroke line) of
/// `…/ascii/a01/a01-000/a01-000u.txt`. Each form's text file is read once.
struct IAMTranscripts {
  /// Largest transcription file read (real ones are about 1 KB).
  static let maxFileBytes = 1 << 20

  /// Why a stroke file that looks like IAM's has no text.
  struct Missing: Error { var reason: String }

  /// Each form's text file as its CSR lines, or why it cannot be used, by path.
  private var forms: [String: Result<[String], Missing>] = [:]

  /// The stroke file's line of text; nil when the file is not in an IAM `lineStrokes/` folder
  /// or not named `<form>-<line>.xml`.
  mutating func text(forStrokeFile url: URL) -> Result<String, Missing>? {
    guard let (transcript, line) = Self.location(ofStrokeFile: url) else { return nil }
    let lines: Result<[String], Missing>
    if let known = forms[transcript.path] {
      lines = known
    } else {
      lines = Result { try Self.lines(of: transcript) }.mapError { $0 as? Missing ?? Missing(reason: "\($0)") }
      forms[transcript.path] = lines
    }
    return lines.flatMap { lines in
      guard line <= lines.count else {
        return .failure(
          Missing(
            reason: "\(transcript.path) has \(lines.count) CSR line\(lines.count == 1 ? "" : "s"), not a line \(line)"))
      }
      return .success(lines[line - 1])
    }
  }

  /// The transcription file and the line number a stroke file's path names.
  static func location(ofStrokeFile url: URL) -> (URL, Int)? {
    let components = url.standardizedFileURL.pathComponents
    guard url.pathExtension.lowercased() == "xml", let root = components.lastIndex(of: "lineStrokes"),
      root < components.count - 1
    else { return nil }
    let name = url.deletingPathExtension().lastPathComponent
    guard let dash = name.lastIndex(of: "-"), let line = Int(name[name.index(after: dash)...]), line >= 1,
      dash > name.startIndex
    else { return nil }
    var path = components[..<root] + ["ascii"] + components[(root + 1)..<(components.count - 1)]
    path.append(String(name[..<dash]) + ".txt")
    return (URL(fileURLWithPath: NSString.path(withComponents: Array(path))), line)
  }

  /// The non-blank lines after `CSR:` of an IAM transcription file, trimmed.
  static func lines(of url: URL) throws(Missing) -> [String] {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw Missing(reason: "no IAM transcription \(url.path) beside lineStrokes/")
    }
    // Checked before reading, so a huge file is refused without being loaded.
    if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > maxFileBytes {
      throw Missing(reason: "\(url.path): larger than the \(maxFileBytes >> 20) MiB limit for a transcription")
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw Missing(reason: "\(url.path): cannot read: \((error as NSError).localizedDescription)")
    }
    guard data.count <= maxFileBytes else {
      throw Missing(reason: "\(url.path): larger than the \(maxFileBytes >> 20) MiB limit for a transcription")
    }
    // IAM's files are ASCII; Latin-1 reads any byte, so an odd one cannot make the file unusable.
    let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
    let all = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard let csr = all.firstIndex(of: "CSR:") else {
      throw Missing(reason: "\(url.path): no \"CSR:\" section (not an IAM On-Line transcription)")
    }
    return all[(csr + 1)...].filter { !$0.isEmpty }
  }
}
