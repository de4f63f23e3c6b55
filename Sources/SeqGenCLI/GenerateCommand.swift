import ArgumentParser
import Foundation
import SeqGenEngine

/// `seqgen generate`: one subcommand per domain. `seqgen generate RUN …` is routed to the
/// subcommand of the run's domain (its manifest says which), so the domain's own command
/// parses the flags and a flag the domain does not have is refused by the parser.
struct GenerateCommand: ParsableCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "generate",
      abstract: "Generate new sequences from a trained run.",
      usage: "seqgen generate <run-dir> [<domain's options>]",
      discussion: """
        The run's manifest says which domain it is, and that domain's flags apply \
        (seqgen generate <domain> --help lists them). The state is primed with --prime (or \
        --prime-file), then each sampled step is fed back in. Text streams to stdout as it is \
        generated unless --out is given. Same --seed, same output.

        Example: seqgen generate runs/shakespeare --prime "ROMEO:" --length 400 --temperature 0.8
        """,
      subcommands: DomainRegistry.all.map { $0.generate }
    )
  }

  /// Reached only without a run directory (with one, `route` picks the domain's subcommand).
  func run() throws {
    throw ValidationError("missing <run-dir>: a run directory written by seqgen train (see seqgen generate --help)")
  }

  /// The domain `route` sent the last command line to, for messages about its flags.
  nonisolated(unsafe) static var routedDomain: String?

  /// `generate RUN …` as `generate <domain> RUN …`; anything else unchanged. The run is the
  /// first argument that is a run directory, else the first that is not a flag (whose error,
  /// such as "not a SeqGen run", is then thrown).
  static func route(_ arguments: [String]) throws -> [String] {
    guard arguments.first == "generate", arguments.count > 1 else { return arguments }
    let rest = Array(arguments.dropFirst())
    guard !DomainRegistry.names.contains(rest[0]), !["-h", "--help", "help"].contains(rest[0]) else { return arguments }
    let positional = rest.filter { !$0.hasPrefix("-") }
    let isRun = { (path: String) in
      FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("manifest.json").path)
    }
    guard let runDir = positional.first(where: isRun) ?? positional.first else { return arguments }
    let name = try RunDirectory(URL(fileURLWithPath: runDir)).manifest().domain
    _ = try DomainRegistry.named(name)
    routedDomain = name
    return ["generate", name] + rest
  }
}
