import ArgumentParser
import Foundation
import SeqGenEngine

/// The `seqgen` command line, for the domains in `DomainRegistry`.
public struct SeqGen: ParsableCommand {
  public static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "seqgen",
      abstract: "Learn the structure of a corpus of sequences with an LSTM, then generate new ones.",
      discussion: """
        One engine, one checkpoint format and one loss unit (bits per step) for every domain. \
        Domains: \(DomainRegistry.names.joined(separator: ", ")).

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
      ] + DomainRegistry.all.flatMap { $0.tools }
    )
  }

  public init() {}

  /// Runs the command line for `domains`: picks fast BLAS kernels, parses, runs. A failure
  /// prints as one line, "Error: …", naming what is wrong (without ArgumentParser's usage
  /// block), and exits non-zero; help and version print as usual.
  public static func main(domains: [any DomainCommands.Type]) -> Never {
    BLASKernel.ensureVectorKernels()
    DomainRegistry.register(domains)
    do {
      try run(CommandLine.arguments.dropFirst().map { $0 })
    } catch {
      let code = exitCode(for: error)
      guard code != .success, !message(for: error).isEmpty else { exit(withError: error) }
      Console.warn("Error: " + errorLine(for: error))
      Foundation.exit(code.rawValue)
    }
    Foundation.exit(0)
  }

  /// Parses and runs one command line in this process (the demo's steps, in-process tests).
  public static func run(_ arguments: [String]) throws {
    var command = try parseAsRoot(try GenerateCommand.route(arguments))
    try command.run()
  }

  /// What a failed command prints after "Error: ": one line, settings spelled as flags, and a
  /// flag the run's domain lacks named with the domain.
  public static func errorLine(for error: any Error) -> String {
    var text = message(for: error)
    if let domain = GenerateCommand.routedDomain,
      text.hasPrefix("Unknown option") || text.hasPrefix("Unexpected argument")
    {
      text += ": not a flag of \(domain) runs (seqgen generate \(domain) --help lists them)"
    }
    return oneLine(text)
  }

  /// An error message as one line, settings spelled as flags.
  public static func oneLine(_ text: String) -> String {
    DomainRegistry.spellingFlags(text.split(whereSeparator: \.isNewline).joined(separator: " "))
  }
}
