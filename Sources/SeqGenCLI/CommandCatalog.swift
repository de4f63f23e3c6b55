import SeqGenEngine
import SeqGenKit

/// The domains' command-line surfaces this `seqgen` has: the executable's one list, made once
/// and bound for the duration of a command line (`SeqGen.main`, `SeqGen.run(_:catalog:)` of
/// `SeqGenCommands`), so
/// the commands' static configurations can list the domains without a global. A test binds its
/// own catalog the same way, and parallel tests never see each other's.
public struct CommandCatalog: @unchecked Sendable {
  /// One conformance per domain, in the order `seqgen --help` lists them.
  public let commands: [any DomainCommands.Type]
  /// The same domains as the library layer knows them (for the server, eval, inspect).
  public let domains: DomainCatalog

  public init(_ commands: [any DomainCommands.Type]) {
    self.commands = commands
    domains = DomainCatalog(commands.map { $0.anyDomain })
  }

  /// The catalog of the command line being run.
  @TaskLocal public static var current = CommandCatalog([])

  public var names: [String] { domains.names }

  public func named(_ name: String) throws -> any DomainCommands.Type {
    _ = try domains.named(name)
    return commands.first { $0.name == name }!
  }

  /// The flag that spells the setting `name` (`seqLength` → `--seq-length`).
  public func flag(for name: String) -> String {
    for domain in commands { if let flag = domain.flagNames[name] { return flag } }
    var flag = "--"
    for c in name { flag += c.isUppercase ? "-" + c.lowercased() : String(c) }
    return flag
  }

  /// A message with every setting named in backticks spelled as its flag.
  public func spellingFlags(_ message: String) -> String { Setting.respell(message) { flag(for: $0) } }

  /// A message as one line, settings spelled as flags (in the catalog of the command line
  /// running now).
  public static func oneLine(_ text: String) -> String {
    current.spellingFlags(text.split(whereSeparator: \.isNewline).joined(separator: " "))
  }
}
