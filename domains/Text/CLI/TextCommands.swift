import ArgumentParser
import SeqGenCLI
import TextDomain

/// The text domain on the command line: `seqgen train text`, `seqgen generate`, `seqgen bench text`.
public enum TextCommands: DomainCommands {
  public static let domain = TextDomain()
  public static let train: any ParsableCommand.Type = TrainText.self
  public static let generate: any ParsableCommand.Type = GenerateText.self
  public static let bench: [any ParsableCommand.Type] = [BenchText.self]
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Text — Shakespeare", data: ["text/shakespeare.txt"],
    train: [
      "--hidden-size", "192", "--num-layers", "2", "--seq-length", "64", "--batch-size", "32", "--learning-rate",
      "0.003",
    ],
    steps: (1500, 40),
    generate: [
      (
        ["--prime", "ROMEO:", "--length", "700", "--temperature", "0.8", "--seed", "1", "--out", "text.txt"],
        ["text.txt"]
      )
    ])
}

struct TrainText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract: "Character-level language model on plain UTF-8 text (.txt, .text, .md in directories).",
    discussion: """
      The defaults are the best recipe measured at equal wall time on shakespeare.txt: a 2×128 \
      LSTM, batch 32 × 50 characters, 1500 steps (under a minute on 2 cores), Adam at 0.008 \
      halved every 2000 steps (--learning-rate 0.008 --lr-decay 0.5 --lr-decay-every 2000). In \
      42 s (1650 steps) it held out 2.17 bits/char against 2.60 at 0.002; larger, deeper or \
      longer-chunked models did worse in the same time. For a longer run give --steps (6000: \
      2.00 bits/char in 2.5 minutes).

      Example: seqgen train text --data fixtures/text/shakespeare.txt --out runs/shakespeare
      """
  )

  @OptionGroup var flags: TrainFlags

  @Option(help: "Where the LSTM state is zeroed: file (start of each file) or paragraph (also after blank lines).")
  var resetAt: TextDomain.ResetPolicy = .file

  func run() throws {
    try Training.run(
      TextDomain(resetAt: resetAt), flags: flags)
  }
}

/// `seqgen generate` for text runs: characters streamed to the terminal as they are drawn.
struct GenerateText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract: "Generate text from a text run (streamed to stdout unless --out is given).",
    discussion: "Example: seqgen generate runs/shakespeare --prime \"ROMEO:\" --length 400 --temperature 0.8"
  )

  @OptionGroup var shared: GenerateFlags
  @OptionGroup var cutoffs: CutoffFlags
  @OptionGroup var plain: PlainGenerateFlags

  func run() throws {
    try Generation.run(TextDomain(), run: shared.run, request: shared.request(cutoffs.controls), options: plain.options)
  }
}

extension TextDomain.ResetPolicy: ExpressibleByArgument {}
