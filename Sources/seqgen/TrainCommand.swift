import ArgumentParser
import Foundation
import SeqGenEngine
import TextDomain

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a model on a corpus (one subcommand per domain).",
    discussion: """
      Training is stateful truncated BPTT: --batch-size parallel streams over the corpus, the
      LSTM state carried from one --seq-length chunk to the next and zeroed at file boundaries.
      Every --checkpoint-every steps the validation loss is measured and model.safetensors,
      manifest.json and loss.svg are rewritten atomically (best.safetensors keeps the best
      validation weights). Stop at any time and continue with --resume.
      """,
    subcommands: [
      TrainText.self,
      TrainHandwriting.self,
      TrainNotes.self,
      TrainAudio.self,
    ]
  )
}

struct TrainText: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "text",
    abstract: "Character-level language model on plain UTF-8 text (.txt, .text, .md in directories).",
    discussion: "Example: seqgen train text --data fixtures/text/shakespeare.txt --out runs/shakespeare --steps 1500"
  )

  @OptionGroup var flags: TrainFlags

  @Option(help: "Where the LSTM state is zeroed: file (start of each file) or paragraph (also after blank lines).")
  var resetAt: TextDomain.ResetPolicy = .file

  func run() throws {
    try Training.run(TextDomain(resetAt: resetAt), flags: flags)
  }
}

extension TextDomain.ResetPolicy: ExpressibleByArgument {}
