import ArgumentParser
import Foundation
import SeqGenCLI

struct TrainCommand: ParsableCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "train",
      abstract: "Train a model on a corpus (one subcommand per domain).",
      discussion: """
        Training is stateful truncated BPTT: --batch-size parallel streams over the corpus, the \
        LSTM state carried from one --seq-length chunk to the next and zeroed at file boundaries. \
        Every --checkpoint-every steps the validation loss is measured and model.safetensors, \
        manifest.json and loss.svg are rewritten atomically (best.safetensors keeps the best \
        validation weights). Stop at any time and continue with --resume.

        Under mpirun (Open MPI), the ranks train the global --batch-size together, each its \
        share of the streams, with one gradient allreduce per step: the same run as one \
        process, sooner on several machines. Example: mpirun -np 4 --hostfile hosts \
        --bind-to none seqgen train text --data corpus.txt --out runs/t --batch-size 64

        seqgen train <domain> --help gives each domain's defaults (its measured recipe) and \
        when to change them; docs/<domain>.md has the measurements.
        """,
      subcommands: CommandCatalog.current.commands.map { $0.train }
    )
  }
}

struct BenchCommand: ParsableCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "bench",
      abstract: "Measure training and generation speed (build with -c release).",
      subcommands: CommandCatalog.current.commands.flatMap { $0.bench }
    )
  }
}
