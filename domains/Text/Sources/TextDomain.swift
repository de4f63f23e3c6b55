import Foundation
import SentencePiece
import SeqGenEngine

/// Plain text, one character (Unicode scalar) per step as char-rnn reads it, one word or
/// punctuation piece per step (`tokens: .word`, spaces and line ends kept exactly), or one
/// SentencePiece subword per step (`tokens: .bpe` or `.unigram`, learnt from the training text).
///
/// Files are read as UTF-8 (a byte-order mark is dropped; anything invalid is an error naming
/// the file and byte offset). A directory gives every file in it that is UTF-8 text (source
/// code, Markdown, …; binary files are skipped and counted), or only those with `extensions`.
/// One file is one sequence; a directory of many holds out whole files for validation. With `resetAt: .paragraph` the state
/// is also zeroed after every blank line, so paragraphs are learned independently.
public struct TextDomain: SequenceDomain {
  /// One piece of text: a single character for `.char`, a word or mark (with the space before
  /// it) for `.word`, a SentencePiece piece for a subword run (`▁` for a space, `<0xE6>` for a
  /// byte). Joining a sequence's pieces (`TextCodec.text(of:)` for subwords) gives its text back.
  public typealias Step = String
  public typealias Head = CategoricalHead
  public typealias GenerationOptions = TextGenerationOptions

  /// What one step of the model is.
  public enum Tokenization: String, Codable, Sendable, CaseIterable {
    /// One Unicode scalar: no unknown characters in the corpus, any word spelled.
    case char
    /// One word or punctuation mark (`WordTokenizer`): shorter sequences, a larger vocabulary,
    /// rare words read as `<unk>`.
    case word
    /// A SentencePiece byte-pair-encoding piece: frequent words whole, rare ones in parts, bytes
    /// for characters never seen, so nothing is unknown.
    case bpe
    /// A SentencePiece unigram-model piece: as `bpe`, with pieces chosen by likelihood.
    case unigram

    /// Whether the pieces come from a SentencePiece model.
    public var isSubword: Bool { self == .bpe || self == .unigram }
  }

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
    // A word vocabulary is too large for one-hot input; the tied table reads and writes words.
    // 2×256 with words seen twice: the word recipe that held out the fewest bits/char at equal
    // wall time on shakespeare.txt (docs/text.md, "Which to choose").
    if tokens != .char {
      o.tieWeights = true
      o.hiddenSize = 256
    }
    return o
  }

  public var resetAt: ResetPolicy
  /// The file name extensions a directory is read by (lower case, no dot); nil: every file
  /// that is UTF-8 text.
  public var extensions: Set<String>?
  public var tokens: Tokenization
  /// Word pieces seen fewer times than this in the training text are read as `<unk>`.
  public var minCount: Int
  /// `minCount` of a word run unless the user chooses.
  public static let wordMinCount = 2
  /// At most this many classes (the `<unk>` pair included), the most frequent pieces kept.
  public var maxVocab: Int?
  /// The pieces a subword tokenizer learns (its 256 byte pieces and `<unk>` included).
  public var vocabSize: Int
  /// `vocabSize` of a subword run unless the user chooses.
  public static let subwordVocabSize = 1000
  /// An existing SentencePiece model a subword run reads text with, instead of learning one.
  public var tokenizer: URL?
  /// The name a subword run's tokenizer model has in its run directory.
  public static let tokenizerFileName = "tokenizer.model"

  public init(
    resetAt: ResetPolicy = .file, extensions: Set<String>? = nil, tokens: Tokenization = .char, minCount: Int = 1,
    maxVocab: Int? = nil, vocabSize: Int = TextDomain.subwordVocabSize, tokenizer: URL? = nil
  ) {
    self.resetAt = resetAt
    self.extensions = extensions
    self.tokens = tokens
    self.minCount = minCount
    self.maxVocab = maxVocab
    self.vocabSize = vocabSize
    self.tokenizer = tokenizer
  }

  public func configured(for codec: TextCodec) -> TextDomain {
    TextDomain(resetAt: codec.resetAt, extensions: codec.readExtensions, tokens: codec.tokens)
  }

  /// What a run's codec fixed: the tokens, the reset policy, the extensions read, and how the
  /// vocabulary was made (a word run's counts are not recorded, so any value given is refused).
  public func settingsFixed(by codec: TextCodec) -> [FixedSetting] {
    func list(_ e: Set<String>?) -> String { e.map { $0.sorted().joined(separator: ",") } ?? "every UTF-8 text file" }
    return [
      FixedSetting("tokens", requested: tokens.rawValue, run: codec.tokens.rawValue),
      FixedSetting("resetAt", requested: resetAt.rawValue, run: codec.resetAt.rawValue),
      FixedSetting("extensions", requested: list(extensions), run: list(codec.readExtensions)),
      FixedSetting("minCount", requested: String(minCount), run: nil),
      FixedSetting("maxVocab", requested: maxVocab.map(String.init) ?? "none", run: nil),
      FixedSetting(
        "vocabSize", requested: String(vocabSize), run: codec.subword.map { String($0.pieces.count) }),
      FixedSetting("tokenizer", requested: tokenizer?.path ?? "none", run: nil),
    ]
  }

  public func validationSplit(for corpus: [SourceSequence<String>]) -> ValidationSplit {
    corpus.count >= Self.filesForFileSplit ? .files : .tail
  }

  /// `text` cut into this domain's steps as read: characters for a subword run, which
  /// `tokenized` cuts into its model's pieces.
  public func pieces<S: Sequence>(of text: S) -> [String] where S.Element == Unicode.Scalar {
    switch tokens {
    case .char, .bpe, .unigram: text.map { String(Character($0)) }
    case .word: WordTokenizer.pieces(text)
    }
  }

  /// A subword run's files are read as characters (so a resumed run splits them as it started)
  /// and cut into pieces here, each part on its own.
  public func tokenized(_ sequences: [SourceSequence<String>], codec: TextCodec) throws -> [SourceSequence<String>] {
    guard codec.subword != nil else { return sequences }
    return try sequences.map { s in
      var cut = s
      cut.steps = try codec.subwordPieces(of: s.steps.joined())
      return cut
    }
  }

  public func runFiles(_ codec: TextCodec) -> [String: Data] {
    codec.subword.map { [Self.tokenizerFileName: $0.serialized] } ?? [:]
  }

  public func read(_ urls: [URL]) throws -> [SourceSequence<String>] {
    var sequences: [SourceSequence<String>] = []
    for url in urls {
      for (file, scalars) in try TextReader.corpus(at: url, extensions: extensions).texts where !scalars.isEmpty {
        sequences.append(SourceSequence(source: file.path, steps: pieces(of: scalars)))
      }
    }
    let paths = urls.map(\.path).joined(separator: ", ")
    guard sequences.contains(where: { $0.steps.count >= 2 }) else { throw TextError.emptyCorpus(paths) }
    if tokens == .word, !sequences.contains(where: { $0.steps.contains(where: WordTokenizer.isWord) }) {
      throw TextError.noWords(paths)
    }
    return sequences
  }

  /// Every character seen (a char model), or the word pieces seen at least `minCount` times in
  /// `corpus`, the most frequent `maxVocab` − 2, then `<unk>` and ` <unk>`.
  public func makeCodec(for corpus: [SourceSequence<String>]) throws -> TextCodec {
    let extensions = extensions.map { $0.sorted() } ?? []
    if tokens.isSubword {
      let model = try tokenizer.map(Self.loadTokenizer) ?? trainTokenizer(on: corpus)
      return TextCodec(
        tokens: tokens, vocabulary: model.pieces, resetAt: resetAt, extensions: extensions, subword: model)
    }
    guard tokens == .word else {
      var seen = Set<String>()
      for s in corpus { seen.formUnion(s.steps) }
      return TextCodec(
        vocabulary: seen.sorted { $0.unicodeScalars.first!.value < $1.unicodeScalars.first!.value }, resetAt: resetAt,
        extensions: extensions)
    }
    var counts: [String: Int] = [:]
    var characters: [String: Int] = [:]
    var total = 0
    for s in corpus {
      for piece in s.steps {
        counts[piece, default: 0] += 1
        for scalar in piece.unicodeScalars { characters[String(Character(scalar)), default: 0] += 1 }
        total += piece.unicodeScalars.count
      }
    }
    var kept = counts.filter { $0.value >= minCount }.sorted {
      $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
    }
    .map(\.key)
    if let maxVocab { kept = Array(kept.prefix(maxVocab - TextCodec.unknownPieces.count)) }
    guard !kept.isEmpty else { throw TextError.vocabularyEmpty(minCount: minCount) }
    return TextCodec(
      tokens: .word, vocabulary: kept + TextCodec.unknownPieces, resetAt: resetAt, extensions: extensions,
      spelling: characters.mapValues { -log2(Double($0) / Double(total)) })
  }

  /// Word and subword models learn their vocabulary from the training part only: a held-out
  /// word never seen in training costs what it would cost on new text.
  public func makeCodec(for split: CorpusSplit<String>) throws -> TextCodec {
    try makeCodec(for: tokens == .char ? split.train + split.validation : split.train)
  }

  static func loadTokenizer(_ url: URL) throws(TextError) -> SentencePieceModel {
    do { return try SentencePieceModel(contentsOf: url) } catch {
      throw .badTokenizer(path: url.path, reason: error.reason)
    }
  }

  /// A SentencePiece model of `vocabSize` pieces learnt from the lines of `corpus`, made to
  /// give the text back exactly: no normalisation, spaces kept as they are (no dummy prefix),
  /// every character of the corpus a piece and byte fallback for any other, no `<s>`/`</s>`.
  func trainTokenizer(on corpus: [SourceSequence<String>]) throws(TextError) -> SentencePieceModel {
    let options = [
      "model_type": tokens.rawValue, "vocab_size": String(vocabSize), "byte_fallback": "true",
      "character_coverage": "1.0", "normalization_rule_name": "identity", "remove_extra_whitespaces": "false",
      "add_dummy_prefix": "false", "allow_whitespace_only_pieces": "true", "bos_id": "-1", "eos_id": "-1",
      "max_sentence_length": "1000000", "num_threads": String(ProcessInfo.processInfo.activeProcessorCount),
      "model_prefix": "",
    ]
    do {
      return try SentencePieceModel.train(
        text: corpus.map { $0.steps.joined() }.joined(separator: "\n"), options: options)
    } catch {
      // The two limits a user meets, in words that name the setting (SentencePiece names its flags).
      let reason = error.reason
      if let high = reason.firstMatch(of: /<= (\d+)/) {
        throw .subwordVocabulary(size: vocabSize, reason: "the text yields at most \(high.output.1); lower `vocabSize`")
      }
      if let low = reason.firstMatch(of: /smaller than required_chars\. \d+ vs (\d+)/) {
        throw .subwordVocabulary(
          size: vocabSize,
          reason: "its characters, 256 bytes and <unk> need \(low.output.1); raise `vocabSize`")
      }
      throw .subwordVocabulary(size: vocabSize, reason: reason)
    }
  }

  /// A char run is never offered `tokens` or `banUnknown`, a word run never `skipUnknown` (it
  /// reads unknown words as `<unk>`).
  public func servedSettings(_ codec: TextCodec) -> [Setting] {
    let unused: Set<String> =
      switch codec.tokens {
      case .char: ["tokens", "banUnknown"]
      case .word: ["skipUnknown"]
      case .bpe, .unigram: ["skipUnknown", "banUnknown"]
      }
    return TextGenerationOptions.settings.filter { !unused.contains($0.name) }
  }

  public func summary(of codec: TextCodec) -> String? {
    switch codec.tokens {
    case .char: "characters: a vocabulary of \(codec.vocabulary.count.formatted())"
    case .word:
      "words: a vocabulary of \(codec.vocabulary.count.formatted()) (words, marks and spacing; <unk> included)"
    case .bpe, .unigram:
      "subwords: a SentencePiece \(codec.tokens.rawValue) vocabulary of \(codec.vocabulary.count.formatted()) pieces (\(codec.vocabulary.count - (codec.subword?.kinds.filter { $0 == .normal }.count ?? 0)) of them bytes and symbols; \(Self.tokenizerFileName) in the run)"
    }
  }

  public func stepUnit(of codec: TextCodec) -> String { codec.tokens == .char ? "char" : "token" }

  public func lossUnit(for sequences: [SourceSequence<String>], codec: TextCodec) -> LossUnit? {
    guard codec.tokens != .char else { return nil }
    var steps = 0
    var chars = 0
    for s in sequences where s.steps.count >= 2 {
      steps += s.steps.count - 1
      for piece in s.steps.dropFirst() { chars += codec.characters(in: piece) }
    }
    return chars > 0 ? LossUnit(name: "char", stepsPerUnit: Double(steps) / Double(chars)) : nil
  }

  /// Before training, the files skipped as not UTF-8 text (a directory read without
  /// `extensions`), so the user sees what was left out: the non-empty files listed under the
  /// data paths that are not in the corpus (found from the listing, not by reading them again).
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<String>, codec: TextCodec, manifest: Manifest
  ) throws -> [String] {
    guard moment == .beforeTraining else {
      guard codec.tokens != .char, let nats = manifest.progress.validationLoss else { return [] }
      return [
        "validation " + perplexity(Loss(nats: nats, steps: 1), unit: lossUnit(for: split.validation, codec: codec))
      ]
    }
    var lines: [String] = []
    if codec.tokens.isSubword {
      func perToken(_ part: [SourceSequence<String>]) -> String {
        lossUnit(for: part, codec: codec).map { String(format: "%.2f", 1 / $0.stepsPerUnit) } ?? "-"
      }
      lines.append(
        "tokenizer: SentencePiece \(codec.tokens.rawValue), \(codec.vocabulary.count.formatted()) pieces, "
          + (tokenizer.map { "from \($0.path)" }
            ?? (manifest.progress.step == 0 ? "learnt from the training text" : "the run's"))
          + " (\(Self.tokenizerFileName) in the run); \(perToken(split.train)) characters per token in training, \(perToken(split.validation)) in validation"
      )
    }
    if codec.tokens == .word {
      lines.append(
        "vocabulary: \(codec.vocabulary.count.formatted()) tokens (words, marks and spacing seen at least \(minCount) time\(minCount == 1 ? "" : "s") in the training text, and <unk>); <unk> reads "
          + "\(Self.percent(codec.unknownShare(split.train))) of training and \(Self.percent(codec.unknownShare(split.validation))) of validation tokens"
      )
    }
    guard extensions == nil else { return lines }
    let read = Set((split.train + split.validation).map(\.source))
    let skipped = manifest.data.paths.flatMap { path in
      ((try? TextReader.files(at: URL(fileURLWithPath: path), extensions: nil)) ?? []).filter { file in
        !read.contains(file.path) && ((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) > 0
      }.map(\.path)
    }
    guard let first = skipped.first else { return lines }
    return lines + [
      "skipped \(skipped.count) file\(skipped.count == 1 ? "" : "s") that \(skipped.count == 1 ? "is" : "are") not UTF-8 text (binary or another encoding), first \(first)"
    ]
  }

  public func evaluationReport(
    _ loss: Loss, sequences: [SourceSequence<String>], codec: TextCodec, manifest: Manifest
  ) -> [String] {
    guard codec.tokens != .char, loss.steps > 0 else { return [] }
    let unit = lossUnit(for: sequences, codec: codec)
    var lines = [perplexity(loss, unit: unit)]
    if codec.tokens == .word {
      lines[0] += "; \(Self.percent(codec.unknownShare(sequences))) of tokens were <unk>"
      let spelled = codec.unknownSpellingBits(sequences)
      if spelled > 0, let unit {
        let chars = Double(loss.steps) / unit.stepsPerUnit
        lines.append(
          String(
            format:
              "%.4f bits/char with every <unk> also spelled out (each of its characters at its frequency in the training text): the cost of this text to an open vocabulary",
            (loss.bitsPerStep * Double(loss.steps) + spelled) / chars))
      }
    }
    return lines
  }

  /// "5.1234 bits/token = 1.4567 bits/char, perplexity 34.5 per token (word, mark or spacing)".
  func perplexity(_ loss: Loss, unit: LossUnit? = nil) -> String {
    String(format: "%.4f bits/token", loss.bitsPerStep) + (unit?.spelled(bitsPerStep: loss.bitsPerStep) ?? "")
      + String(format: ", perplexity %.1f per token ", exp(loss.natsPerStep))
      + (tokens == .word ? "(a word, mark or run of spacing)" : "(a subword piece)")
  }

  static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

  public func inputKind(_ codec: TextCodec) -> InputKind { .categorical(classes: codec.vocabulary.count) }

  public func input(_ step: String, codec: TextCodec) throws -> StepInput { .index(try codec.index(of: step)) }

  public func target(_ step: String, codec: TextCodec) throws -> Int { try codec.index(of: step) }

  public func makeHead(_ codec: TextCodec) -> CategoricalHead { CategoricalHead(classes: codec.vocabulary.count) }

  public func step(from sample: Int, codec: TextCodec) -> String { codec.vocabulary[sample] }

  public func resetsState(before step: String, after previous: String, codec: TextCodec) -> Bool {
    codec.resetAt == .paragraph && step == previous && step == codec.lineEnd
  }

  public func lengthUnits(of step: String, codec: TextCodec, options: TextGenerationOptions) -> Int {
    options.tokens == nil ? codec.characters(in: step) : 1
  }

  public func maskedSamples(codec: TextCodec, options: TextGenerationOptions) -> [Int] {
    (options.banUnknown ? codec.unknownClasses : []) + codec.neverDrawn
  }

  /// The prime text (or file) cut into the model's pieces, never into characters for a word
  /// model. A char model checks every character against its vocabulary; a word model reads an
  /// unknown word as `<unk>` and says so. Without a prime, generation starts from a newline (or
  /// the first vocabulary entry if the corpus had none).
  public func prime(_ request: PrimeRequest, codec: TextCodec) throws -> [String] {
    var scalars: [Unicode.Scalar]
    var origin = "`prime`"
    if let file = request.file {
      scalars = try TextReader.scalars(of: file)
      origin = file.path
    } else {
      scalars = Array((request.text ?? "").unicodeScalars)
    }
    var kept: [String] = []
    var unknown: [String] = []
    if codec.subword != nil {
      var text = ""
      text.unicodeScalars.append(contentsOf: scalars)
      kept = try codec.subwordPieces(of: text)
      if kept.isEmpty, let lineEnd = codec.lineEnd { kept = [lineEnd] }
      return kept.isEmpty ? [codec.vocabulary[codec.subword!.kinds.firstIndex(of: .normal) ?? 0]] : kept
    }
    for piece in TextDomain(tokens: codec.tokens).pieces(of: scalars) {
      if codec.contains(piece) {
        kept.append(piece)
      } else if codec.tokens == .word {
        unknown.append(piece)
        kept.append(piece)
      } else if request.skipUnknown {
        FileHandle.standardError.write(
          Data("warning: skipping prime character \(TextError.show(piece)) not in the model's vocabulary\n".utf8))
      } else {
        throw TextError.unknownPrimeCharacter(origin: origin, piece: piece)
      }
    }
    if let first = unknown.first {
      FileHandle.standardError.write(
        Data(
          "note: \(unknown.count) of \(kept.count) prime tokens are not in the model's vocabulary and read as <unk> (first \(TextError.show(first)))\n"
            .utf8))
    }
    if kept.isEmpty { kept = [codec.contains("\n") ? "\n" : codec.vocabulary[0]] }
    return kept
  }

  public func write(_ samples: [[String]], codec: TextCodec, to url: URL) throws {
    var text = ""
    for (n, sample) in samples.enumerated() {
      if samples.count > 1 { text += "\(n > 0 ? "\n" : "")=== sample \(n + 1) of \(samples.count) ===\n" }
      text += codec.text(of: sample) ?? ""
      if samples.count > 1 { text += "\n" }
    }
    try AtomicFile.write(Data(text.utf8), to: url)
  }

  public func streamed(_ step: String, codec: TextCodec) -> String? { codec.text(of: [step]) }

  public func text(of steps: ArraySlice<String>, codec: TextCodec) -> String? { codec.text(of: steps, streaming: true) }
}
