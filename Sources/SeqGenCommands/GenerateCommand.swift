import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine

/// `seqgen generate`: one subcommand per domain. `seqgen generate RUN …` is parsed by the
/// generate command of the run's domain (its manifest says which), so a flag the domain does not
/// have is refused by that domain's parser.
struct GenerateCommand: ParsableCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "generate",
      abstract: "Generate new sequences from a trained run.",
      usage: "seqgen generate <run-dir> [<domain's options>]",
      discussion: """
        The run's manifest says which domain it is, and that domain's flags apply \
        (seqgen generate <domain> --help lists them, with what each domain writes and how it \
        is primed). Same --seed, same output.

        Example: seqgen generate runs/shakespeare --prime "ROMEO:" --length 400 --temperature 0.8
        """,
      subcommands: CommandCatalog.current.commands.map { $0.generate }
    )
  }

  @Argument(
    parsing: .captureForPassthrough,
    help: ArgumentHelp("A run directory, then the options of its domain.", valueName: "run-dir"))
  var arguments: [String] = []

  /// Hands the arguments to the generate command of the run's domain, or of the domain they
  /// start with (`generate text RUN …`). The run is the first argument that is a run directory,
  /// else the first that is not a flag (whose error, such as "not a SeqGen run", is then thrown).
  func run() throws {
    guard let first = arguments.first, !["-h", "--help", "help"].contains(first) else {
      if arguments.isEmpty {
        throw ValidationError("missing <run-dir>: a run directory written by seqgen train (see seqgen generate --help)")
      }
      throw CleanExit.helpRequest(Self.self)
    }
    let catalog = CommandCatalog.current
    var arguments = arguments
    let name: String
    if catalog.names.contains(first) {
      name = arguments.removeFirst()
    } else {
      let positional = arguments.filter { !$0.hasPrefix("-") }
      let isRun = { (path: String) in RunDirectory(URL(fileURLWithPath: path)).exists }
      guard let runDir = positional.first(where: isRun) ?? positional.first else {
        throw ValidationError("missing <run-dir>: a run directory written by seqgen train (see seqgen generate --help)")
      }
      name = try RunDirectory(URL(fileURLWithPath: runDir)).manifest().domain
    }
    let generate = try catalog.named(name).generate
    if arguments.contains(where: { ["-h", "--help"].contains($0) }) { throw CleanExit.helpRequest(generate) }
    var command: any ParsableCommand
    do {
      command = try generate.parseAsRoot(arguments)
    } catch {
      let text = generate.message(for: error)
      guard text.hasPrefix("Unknown option") || text.hasPrefix("Unexpected argument") else { throw error }
      // "Unknown option '--bogus'. Did you mean '--out'?": the domain first, the suggestion after.
      let (refusal, suggestion) =
        text.range(of: ". Did you mean ").map { (String(text[..<$0.lowerBound]), String(text[$0.lowerBound...])) }
        ?? (text, "")
      throw ValidationError(
        refusal + ": not a flag of \(name) runs (seqgen generate \(name) --help lists them)" + suggestion)
    }
    try command.run()
  }
}
