import ArgumentParser
import Foundation
import SeqGenEngine

/// The entry point: picks fast BLAS kernels, then runs the command line.
@main
enum Entry {
  static func main() {
    BLASKernel.ensureVectorKernels()
    SeqGen.main()
  }
}

struct SeqGen: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "seqgen",
    abstract: "Learn the structure of a corpus of sequences with an LSTM, then generate new ones.",
    discussion: """
      One engine, one checkpoint format and one loss unit (bits per step) for every domain.
      Domains: \(Domains.names.joined(separator: ", ")).

      Typical use:
        seqgen train text --data fixtures/text/shakespeare.txt --out runs/shakespeare
        seqgen generate runs/shakespeare --prime "ROMEO:" --length 400
        seqgen eval runs/shakespeare --data other.txt
        seqgen inspect runs/shakespeare
      """,
    version: Manifest.seqgenVersion,
    subcommands: [TrainCommand.self, GenerateCommand.self, EvalCommand.self, InspectCommand.self, BenchCommand.self, DemoCommand.self]
  )

  /// Parses and runs the command. A failure prints as one line, "Error: …", naming what is
  /// wrong (without ArgumentParser's usage block), and exits non-zero; help and version print as usual.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      let text = message(for: error)
      guard code != .success, !text.isEmpty else { exit(withError: error) }
      Console.warn("Error: " + text.split(whereSeparator: \.isNewline).joined(separator: " "))
      Foundation.exit(code.rawValue)
    }
  }
}
