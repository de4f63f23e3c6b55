import Foundation

/// Where a run's per-sequence labels come from (Magenta's conditioning on composer; a speaker,
/// a writer, an author): every sequence gets one name, and the model reads it at every step.
///
/// Domain-neutral: a label is a property of the file a sequence came from, never of its steps.
public enum LabelSource: Codable, Sendable, Equatable {
  /// Each file's parent folder is its label (`bach/x.mid` → "bach").
  case folder
  /// A table of `path<TAB>label` lines; paths relative to the table's folder.
  case table(String)

  /// The most labels a run may have: each is one input column of the first layer.
  public static let maxLabels = 1000

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    self = text == "folder" ? .folder : .table(String(text.dropFirst("table:".count)))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .folder: try container.encode("folder")
    case .table(let path): try container.encode("table:" + path)
    }
  }

  /// `sequences` each with its label; throws, naming the file or the table, when a sequence
  /// has none or the labels cannot tell sequences apart.
  public func labelled<Step>(_ sequences: [SourceSequence<Step>]) throws(EngineError) -> [SourceSequence<Step>] {
    var labelled = sequences
    switch self {
    case .folder:
      for i in labelled.indices {
        labelled[i].label = Self.path(labelled[i].source).deletingLastPathComponent().lastPathComponent
      }
      let folders = Set(labelled.compactMap(\.label))
      guard folders.count >= 2 else {
        throw .invalidOption(
          name: "labelFrom",
          reason:
            "takes each file's folder as its label, but every file is in one folder (\(folders.first ?? "none")); put each label's files in a folder of its own"
        )
      }
    case .table(let path):
      let table = try Self.readTable(path)
      for i in labelled.indices {
        guard let label = table[Self.path(labelled[i].source).path] else {
          throw .badData(path: path, reason: "has no label for \(labelled[i].source)")
        }
        labelled[i].label = label
      }
    }
    let names = Set(labelled.compactMap(\.label))
    guard names.count <= Self.maxLabels else {
      throw .invalidOption(
        name: "labelFrom", reason: "gives \(names.count) labels; at most \(Self.maxLabels) are allowed")
    }
    return labelled
  }

  static func path(_ source: String) -> URL { URL(fileURLWithPath: source).standardizedFileURL }

  /// The table's labels by standardized absolute path.
  static func readTable(_ path: String) throws(EngineError) -> [String: String] {
    let url = URL(fileURLWithPath: path)
    // The size is checked before reading, so a huge file is never loaded.
    guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int else {
      throw .badData(path: path, reason: "cannot read the file")
    }
    guard size <= 64 << 20 else { throw .badData(path: path, reason: "is over 64 MiB; a label table is small") }
    guard let data = try? Data(contentsOf: url) else { throw .badData(path: path, reason: "cannot read the file") }
    guard let text = String(data: data, encoding: .utf8) else { throw .badData(path: path, reason: "is not UTF-8") }
    var table: [String: String] = [:]
    let folder = url.deletingLastPathComponent()
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = line.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      let label = fields.count == 2 ? fields[1].trimmingCharacters(in: .whitespaces) : ""
      guard fields.count == 2, !fields[0].isEmpty, !label.isEmpty, label.count <= 100 else {
        throw .badData(
          path: path, reason: "line \(n + 1) is not `file<TAB>label` (a path, a tab, a name of 1 to 100 characters)")
      }
      let file = String(fields[0])
      let resolved = file.hasPrefix("/") ? URL(fileURLWithPath: file) : folder.appendingPathComponent(file)
      table[resolved.standardizedFileURL.path] = label
    }
    guard !table.isEmpty else { throw .badData(path: path, reason: "lists no file") }
    return table
  }
}
