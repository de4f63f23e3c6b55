import Foundation
import SeqGenEngine

/// Plain text, one Unicode scalar per step: the char-rnn domain.
///
/// Files are read as UTF-8 (a byte-order mark is dropped; anything invalid is an error naming
/// the file and byte offset). A directory gives every file in it that is UTF-8 text (source
/// code, Markdown, …; binary files are skipped and counted), or only those with `extensions`.
/// One file is one sequence; a directory of many holds out whole files for validation. With `resetAt: .paragraph` the state
/// is also zeroed after every blank line, so paragraphs are learned independently.
public struct TextDomain: SequenceDomain {
  public typealias Step = Unicode.Scalar
  public typealias Head = CategoricalHead

  /// Where the LSTM state is zeroed inside a file.
  public enum ResetPolicy: String, Codable, Sendable, CaseIterable {
    /// Only at the start of each file.
    case file
    /// Also at each blank line.
    case paragraph
  }

  public static let name = "text"
  public static let stepUnit = "char"
  /// File extensions a directory was read by before any UTF-8 text file was (runs saved then
  /// resume reading the same files).
  static let legacyExtensions: Set<String> = ["txt", "text", "md"]
  /// Folders of at least this many files hold out whole files for validation: the tail of a
  /// concatenation reads as easier than truly unseen files (1.48 against 1.90 bits/char on
  /// Python source).
  public static let filesForFileSplit = 10
  public static let defaultValidationSplitRule = "files for a folder of \(filesForFileSplit) or more files, else tail"

  /// The training defaults: Adam at 8e-3, halved every 2,000 steps. Measured at equal wall time
  /// on shakespeare.txt (Intel Xeon, 2 cores, best validation bits/char, mean of seeds;
  /// `scripts/equal_time.py`): at the default 1,500 steps (42 s) 2.173 against 2.600 at the
  /// general 2e-3, which every larger, deeper or longer-chunked model also lost to (2×256 2.878,
  /// 3×128 3.117); at 6,000 steps 1.996 against 2.121 (2.044 without the halving).
  public var trainingDefaults: TrainingOptions {
    var o = TrainingOptions()
    o.learningRate = 8e-3
    o.lrDecay = 0.5
    o.lrDecayEvery = 2000
    return o
  }

  public var resetAt: ResetPolicy
  /// The file name extensions a directory is read by (lower case, no dot); nil: every file
  /// that is UTF-8 text.
  public var extensions: Set<String>?

  public init(resetAt: ResetPolicy = .file, extensions: Set<String>? = nil) {
    self.resetAt = resetAt
    self.extensions = extensions
  }

  public func configured(for codec: TextCodec) -> TextDomain {
    TextDomain(resetAt: codec.resetAt, extensions: codec.readExtensions)
  }

  public func validationSplit(for corpus: [SourceSequence<Unicode.Scalar>]) -> ValidationSplit {
    corpus.count >= Self.filesForFileSplit ? .files : .tail
  }

  public func read(_ urls: [URL]) throws -> [SourceSequence<Unicode.Scalar>] {
    var sequences: [SourceSequence<Unicode.Scalar>] = []
    for url in urls {
      for (file, scalars) in try TextReader.corpus(at: url, extensions: extensions).texts where !scalars.isEmpty {
        sequences.append(SourceSequence(source: file.path, steps: scalars))
      }
    }
    guard sequences.contains(where: { $0.steps.count >= 2 }) else {
      throw TextError.emptyCorpus(urls.map(\.path).joined(separator: ", "))
    }
    return sequences
  }

  public func makeCodec(for corpus: [SourceSequence<Unicode.Scalar>]) throws -> TextCodec {
    var seen = Set<Unicode.Scalar>()
    for s in corpus { seen.formUnion(s.steps) }
    return TextCodec(
      vocabulary: seen.sorted { $0.value < $1.value }, resetAt: resetAt,
      extensions: extensions.map { $0.sorted() } ?? [])
  }

  /// Before training, the files skipped as not UTF-8 text (a directory read without
  /// `extensions`), so the user sees what was left out: the non-empty files listed under the
  /// data paths that are not in the corpus (found from the listing, not by reading them again).
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<Unicode.Scalar>, codec: TextCodec, manifest: Manifest
  ) throws -> [String] {
    guard moment == .beforeTraining, extensions == nil else { return [] }
    let read = Set((split.train + split.validation).map(\.source))
    let skipped = manifest.data.paths.flatMap { path in
      ((try? TextReader.files(at: URL(fileURLWithPath: path), extensions: nil)) ?? []).filter { file in
        !read.contains(file.path) && ((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) > 0
      }.map(\.path)
    }
    guard let first = skipped.first else { return [] }
    return [
      "skipped \(skipped.count) file\(skipped.count == 1 ? "" : "s") that \(skipped.count == 1 ? "is" : "are") not UTF-8 text (binary or another encoding), first \(first)"
    ]
  }

  public func inputKind(_ codec: TextCodec) -> InputKind { .categorical(classes: codec.vocabulary.count) }

  public func input(_ step: Unicode.Scalar, codec: TextCodec) throws -> StepInput { .index(try codec.index(of: step)) }

  public func target(_ step: Unicode.Scalar, codec: TextCodec) throws -> Int { try codec.index(of: step) }

  public func makeHead(_ codec: TextCodec) -> CategoricalHead { CategoricalHead(classes: codec.vocabulary.count) }

  public func step(from sample: Int, codec: TextCodec) -> Unicode.Scalar { codec.vocabulary[sample] }

  public func resetsState(before step: Unicode.Scalar, after previous: Unicode.Scalar, codec: TextCodec) -> Bool {
    codec.resetAt == .paragraph && step == "\n" && previous == "\n"
  }

  /// The prime text (or file), every character checked against the vocabulary. Without a
  /// prime, generation starts from a newline (or the first vocabulary entry if the corpus had none).
  public func prime(_ request: PrimeRequest, codec: TextCodec) throws -> [Unicode.Scalar] {
    var scalars: [Unicode.Scalar]
    var origin = "`prime`"
    if let file = request.file {
      scalars = try TextReader.scalars(of: file)
      origin = file.path
    } else {
      scalars = Array((request.text ?? "").unicodeScalars)
    }
    var kept: [Unicode.Scalar] = []
    for s in scalars {
      if codec.contains(s) {
        kept.append(s)
      } else if request.skipUnknown {
        FileHandle.standardError.write(
          Data("warning: skipping prime character \(TextError.show(s)) not in the model's vocabulary\n".utf8))
      } else {
        throw TextError.unknownPrimeCharacter(origin: origin, scalar: s)
      }
    }
    if kept.isEmpty { kept = [codec.contains("\n") ? "\n" : codec.vocabulary[0]] }
    return kept
  }

  public func write(_ samples: [[Unicode.Scalar]], codec: TextCodec, to url: URL) throws {
    var text = ""
    for (n, sample) in samples.enumerated() {
      if samples.count > 1 { text += "\(n > 0 ? "\n" : "")=== sample \(n + 1) of \(samples.count) ===\n" }
      text.unicodeScalars.append(contentsOf: sample)
      if samples.count > 1 { text += "\n" }
    }
    try AtomicFile.write(Data(text.utf8), to: url)
  }

  public func streamed(_ step: Unicode.Scalar, codec: TextCodec) -> String? { String(Character(step)) }
}

/// The vocabulary (sorted by code point), the reset policy and how directories were read,
/// saved in the checkpoint.
public struct TextCodec: Codable, Sendable, Equatable {
  public let vocabulary: [Unicode.Scalar]
  public let resetAt: TextDomain.ResetPolicy
  /// The extensions a directory was read by: empty for every UTF-8 text file; nil in runs saved
  /// before that choice existed (they read `legacyExtensions`).
  public let extensions: [String]?
  private let lookup: [Unicode.Scalar: Int]

  public init(vocabulary: [Unicode.Scalar], resetAt: TextDomain.ResetPolicy, extensions: [String]? = []) {
    self.vocabulary = vocabulary
    self.resetAt = resetAt
    self.extensions = extensions
    lookup = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
  }

  /// `TextDomain.extensions` as this run reads directories.
  var readExtensions: Set<String>? {
    guard let extensions else { return TextDomain.legacyExtensions }
    return extensions.isEmpty ? nil : Set(extensions)
  }

  func contains(_ s: Unicode.Scalar) -> Bool { lookup[s] != nil }

  func index(of s: Unicode.Scalar) throws(TextError) -> Int {
    guard let k = lookup[s] else { throw .notInVocabulary(s) }
    return k
  }

  enum CodingKeys: String, CodingKey { case vocabulary, resetAt, extensions }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let strings = try c.decode([String].self, forKey: .vocabulary)
    var scalars: [Unicode.Scalar] = []
    for s in strings {
      guard s.unicodeScalars.count == 1, let scalar = s.unicodeScalars.first, !scalars.contains(scalar) else {
        throw DecodingError.dataCorruptedError(
          forKey: .vocabulary, in: c, debugDescription: "vocabulary entries must be distinct single characters")
      }
      scalars.append(scalar)
    }
    guard !scalars.isEmpty else {
      throw DecodingError.dataCorruptedError(forKey: .vocabulary, in: c, debugDescription: "empty vocabulary")
    }
    self.init(
      vocabulary: scalars, resetAt: try c.decode(TextDomain.ResetPolicy.self, forKey: .resetAt),
      extensions: try c.decodeIfPresent([String].self, forKey: .extensions))
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(vocabulary.map { String(Character($0)) }, forKey: .vocabulary)
    try c.encode(resetAt, forKey: .resetAt)
    try c.encodeIfPresent(extensions, forKey: .extensions)
  }

  public static func == (a: TextCodec, b: TextCodec) -> Bool {
    a.vocabulary == b.vocabulary && a.resetAt == b.resetAt && a.extensions == b.extensions
  }
}
