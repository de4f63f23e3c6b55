import Foundation
import SeqGenEngine
import Testing

@testable import TextDomain

/// The pre-training advice for a corpus unlike the plays the defaults are tuned on: source code
/// is told apart from prose and gets the measured source-code recipe.
@Suite struct TextRecipeTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// This project's own Swift sources: real code, a megabyte or more of it.
  static func swiftSources() throws -> [String] {
    let files = ["Sources", "domains", "Tests"].flatMap { folder in
      (FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "swift" }
    }
    return try files.sorted { $0.path < $1.path }.map { try String(contentsOf: $0, encoding: .utf8) }
  }

  static func shakespeare() throws -> String {
    try String(contentsOf: root.appendingPathComponent("fixtures/text/shakespeare.txt"), encoding: .utf8)
  }

  static func split(_ texts: [String]) -> CorpusSplit<String> {
    CorpusSplit(
      train: texts.enumerated().map { SourceSequence(source: "f\($0.offset)", steps: $0.element.map(String.init)) },
      validation: [])
  }

  @Test func codeIsToldApartFromProse() throws {
    let code = CodeLikeness(try Self.swiftSources())
    #expect(code.isCode, "\(code)")
    let plays = CodeLikeness([try Self.shakespeare()])
    #expect(!plays.isCode && plays.symbols < 0.01, "\(plays)")
    // Indented but not code (verse), and symbol-rich but not indented (one-line code).
    #expect(!CodeLikeness(["    Shall I compare thee\n    to a summer's day?\n"]).isCode)
    #expect(!CodeLikeness(["a[i] = f(x_1) * g(y_2);\nb = {c: d};\n"]).isCode)
    // Lines split across pieces (one character per step) read as joined.
    let python = "def f(x):\n    return [x_1 * 2]\n\n    \n"
    #expect(CodeLikeness(python.map(String.init)) == CodeLikeness([python]))
    #expect(CodeLikeness([python]).indentedLines == 0.5 && CodeLikeness([""]).indentedLines == 0)
  }

  @Test func aLargeCodeCorpusGetsTheSourceCodeRecipe() throws {
    let domain = TextDomain()
    let code = Self.split([String(try Self.swiftSources().joined().prefix(1_100_000))])
    let recipe = try #require(domain.recipe(for: code, codec: try domain.makeCodec(for: code)))
    #expect(recipe.kind == "source code" && recipe.options.hiddenSize == 256 && recipe.options.steps == 8000)
    let advice = try #require(
      TrainingAdvice.recipe(recipe, defaults: domain.trainingDefaults, run: domain.trainingDefaults))
    #expect(advice.contains("`hiddenSize` 256, `steps` 8000") && advice.contains("docs/text.md"), "\(advice)")

    // Prose of the same size gets none, nor does code too small for the recipe's model.
    let plays = try Self.shakespeare()
    let prose = Self.split([plays, String(plays.prefix(100_000))])
    #expect(domain.recipe(for: prose, codec: try domain.makeCodec(for: prose)) == nil)
    let small = Self.split([String(try Self.swiftSources().joined().prefix(200_000))])
    #expect(domain.recipe(for: small, codec: try domain.makeCodec(for: small)) == nil)
  }
}
