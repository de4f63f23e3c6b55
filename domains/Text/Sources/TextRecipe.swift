import Foundation
import SeqGenEngine

/// How much a text reads like source code rather than prose: the two statistics that set the
/// Python standard library (90% of non-blank lines indented, 6.0% of characters brackets,
/// operators and underscores), C headers (38–46%, 10–12%) and this project's Swift (89%, 6.5%)
/// apart from plays (2%, 0.7%), the Bible (0%, 0.3%), licences (34%, 0.5%) and Markdown
/// documentation (15–25%, 3.6–4.2%).
public struct CodeLikeness: Equatable, Sendable {
  /// The fraction of non-blank lines that begin with a space or a tab.
  public var indentedLines: Double
  /// The fraction of characters that are brackets, operators, underscores and the like.
  public var symbols: Double

  /// Characters that are common in code and rare in prose (all ASCII), as a byte table.
  static let symbolBytes: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for b in "(){}[]=;_<>#*/\\|&".utf8 { table[Int(b)] = true }
    return table
  }()
  /// The thresholds: both must hold, as indentation alone also marks verse and licences, and
  /// symbols alone Markdown with code spans.
  static let codeIndentedLines = 0.3
  static let codeSymbols = 0.05

  /// Measures the text of `pieces` joined (its first `limit` bytes: enough to judge, quick on
  /// a large corpus), reading bytes so that a corpus of one-character steps is not joined first.
  public init(_ pieces: some Sequence<some StringProtocol>, limit: Int = 1 << 20) {
    var lines = 0
    var indented = 0
    var symbols = 0
    var characters = 0
    var bytes = 0
    var lineStart = true
    var lineIndented = false
    var lineBlank = true
    func endLine() {
      if !lineBlank {
        lines += 1
        if lineIndented { indented += 1 }
      }
      (lineStart, lineIndented, lineBlank) = (true, false, true)
    }
    reading: for piece in pieces {
      for byte in piece.utf8 {
        bytes += 1
        if bytes > limit { break reading }
        if byte & 0xC0 != 0x80 { characters += 1 }
        if byte == 0x0A {
          endLine()
          continue
        }
        let space = byte == 0x20 || byte == 0x09 || byte == 0x0D
        if lineStart { lineIndented = byte == 0x20 || byte == 0x09 }
        if !space { lineBlank = false }
        lineStart = false
        if Self.symbolBytes[Int(byte)] { symbols += 1 }
      }
    }
    endLine()
    indentedLines = lines > 0 ? Double(indented) / Double(lines) : 0
    self.symbols = characters > 0 ? Double(symbols) / Double(characters) : 0
  }

  /// Whether it reads as source code.
  public var isCode: Bool { indentedLines >= Self.codeIndentedLines && symbols >= Self.codeSymbols }
}

extension TextDomain {
  /// Source code read by characters gets the source-code recipe (docs/text.md, "Source
  /// code"): the defaults are tuned on plays, where a 2×128 model for 1,500 steps is enough.
  /// Only from `sourceCodeMinimum` characters: the recipe's million parameters would memorise
  /// a smaller corpus (the size advice speaks for that one).
  public func recipe(for split: CorpusSplit<String>, codec: TextCodec) -> TrainingRecipe? {
    guard codec.tokens == .char, split.train.reduce(0, { $0 + $1.steps.count }) >= Self.sourceCodeMinimum
    else { return nil }
    let code = CodeLikeness(split.train.lazy.flatMap(\.steps))
    guard code.isCode else { return nil }
    var options = trainingDefaults
    options.hiddenSize = 256
    options.steps = 8000
    return TrainingRecipe(
      evidence: String(
        format: "%.0f%% of its lines are indented and %.1f%% of its characters are brackets, operators and underscores",
        100 * code.indentedLines, 100 * code.symbols),
      kind: "source code", options: options,
      outcome: "then generate at `temperature` 0.5 from a `primeFile` of real code (docs/text.md, \"Source code\")")
  }

  /// The training characters from which the source-code recipe is advised.
  static let sourceCodeMinimum = 1_000_000
}
