import ArgumentParser
import HandwritingDomain
import SeqGenCLI

/// The handwriting domain on the command line.
public enum HandwritingCommands: DomainCommands {
  public static let domain = HandwritingDomain()
  public static let train: any ParsableCommand.Type = TrainHandwriting.self
  public static let generate: any ParsableCommand.Type = GenerateHandwriting.self
  public static let primeHelp =
    "A file of strokes (InkML, IAM XML, JSON) whose hand the samples continue; with --text, the same as --style."
  public static let primeFileHelp = "The same as --prime."
  public static let flagNames = ["windowMixtures": "--window-size"]
  public static let outHelp = "The drawing to write: .svg (one row per sample) or .inkml."
  public static let tools: [any ParsableCommand.Type] = [HersheyCommand.self]
  /// A text-conditioned model on 2,000 synthetic lines, writing a line of the demo's own in the
  /// corpus's mixed hand and, primed with a bundled line of each (drawn in grey before it), in
  /// each of the three fonts. 1,500 steps keep the whole demo within its 15 minutes: the writing
  /// is only partly legible; the 6,000 steps of `--condition text`'s defaults do much better.
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Handwriting — writing a given text (Hershey script lines)",
    prepare: [
      [
        "hershey", "--text-file", "{fixtures}/text/shakespeare.txt", "--out", "{data}", "--count", "2000",
        "--fonts-dir", "{fixtures}/handwriting/fonts",
      ]
    ],
    data: ["{data}"], task: ["--condition", "text"],
    train: ["--hidden-size", "128", "--num-layers", "2", "--seq-length", "100", "--batch-size", "32"],
    steps: (1500, 30),
    generate: [("text", nil), ("cursive", "0001"), ("scripts", "0002"), ("scriptc", "0003")].map { name, line in
      let file = "handwriting-\(name).svg"
      let style =
        line.map { ["--style", "{fixtures}/handwriting/hershey-lines/line-\($0).inkml"] } ?? []
      return (
        ["--text", demoText, "--bias", "1", "--seed", "1", "--count", line == nil ? "2" : "1", "--out", file] + style,
        [file]
      )
    })

  /// The line the demo writes (the README's running example; not a line of the corpus).
  static let demoText = "To be, or not to be"
}
