import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine

/// The `seqgen` command line, for the domains of the bound `CommandCatalog`.
public struct SeqGen: ParsableCommand {
  public static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "seqgen",
      abstract: "Learn the structure of a corpus of sequences with an LSTM, then generate new ones.",
      discussion: """
        One engine, one checkpoint format and one loss unit (bits per step) for every domain. \
        Domains: \(CommandCatalog.current.names.joined(separator: ", ")).

        Typical use:
          seqgen train text --data fixtures/text/shakespeare.txt --out runs/shakespeare
          seqgen generate runs/shakespeare --prime "ROMEO:" --length 400
          seqgen eval runs/shakespeare --data other.txt
          seqgen inspect runs/shakespeare
          seqgen serve runs/shakespeare
        """,
      version: Manifest.seqgenVersion,
      subcommands: [
        TrainCommand.self, GenerateCommand.self, EvalCommand.self, InspectCommand.self, BenchCommand.self,
        DemoCommand.self, ServeCommand.self,
      ] + CommandCatalog.current.commands.flatMap { $0.tools }
    )
  }

  public init() {}

  /// Runs the command line for `domains`: picks fast BLAS kernels, parses, runs. A failure
  /// prints as one line, "Error: …", naming what is wrong (without ArgumentParser's usage
  /// block), and exits non-zero; help and version print as usual.
  public static func main(domains: [any DomainCommands.Type]) -> Never {
    BLASKernel.ensureVectorKernels()
    let code: Int32 = CommandCatalog.$current.withValue(CommandCatalog(domains)) {
      do {
        try run(CommandLine.arguments.dropFirst().map { $0 })
      } catch {
        let code = exitCode(for: error)
        guard code != .success, !message(for: error).isEmpty else { exit(withError: error) }
        Console.warn("Error: " + errorLine(for: error))
        return code.rawValue
      }
      return 0
    }
    Foundation.exit(code)
  }

  /// Parses and runs one command line in this process for the domains of `catalog` (the demo's
  /// steps, in-process tests; by default the catalog of the command line running now).
  public static func run(_ arguments: [String], catalog: CommandCatalog = CommandCatalog.current) throws {
    try CommandCatalog.$current.withValue(catalog) {
      var command = try parseAsRoot(arguments)
      try command.run()
    }
  }

  /// What a failed command prints after "Error: ": one line, settings spelled as flags.
  public static func errorLine(for error: any Error) -> String { CommandCatalog.oneLine(message(for: error)) }
}
