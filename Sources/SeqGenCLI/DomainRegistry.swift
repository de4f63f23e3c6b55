import SeqGenEngine

/// The domains this `seqgen` serves, set once by the executable before any command is parsed.
public enum DomainRegistry {
  nonisolated(unsafe) public private(set) static var all: [any DomainCommands.Type] = []

  /// Installs the domain list (the executable's one list; a test's own).
  public static func register(_ domains: [any DomainCommands.Type]) { all = domains }

  public static var names: [String] { all.map { $0.name } }

  public static func named(_ name: String) throws -> any DomainCommands.Type {
    guard let domain = all.first(where: { $0.name == name }) else {
      throw EngineError.invalidArgument("unknown domain '\(name)' (this seqgen knows \(names.joined(separator: ", ")))")
    }
    return domain
  }

  /// The flag that spells the setting `name` (`seqLength` → `--seq-length`).
  public static func flag(for name: String) -> String {
    for domain in all { if let flag = domain.flagNames[name] { return flag } }
    var flag = "--"
    for c in name { flag += c.isUppercase ? "-" + c.lowercased() : String(c) }
    return flag
  }

  /// A message with every setting named in backticks (the engine's and the domains' way)
  /// spelled as its flag.
  public static func spellingFlags(_ message: String) -> String {
    var out = ""
    var rest = Substring(message)
    while let open = rest.firstIndex(of: "`") {
      let after = rest[rest.index(after: open)...]
      guard let close = after.firstIndex(of: "`") else { break }
      let name = after[..<close]
      out += rest[..<open]
      if let first = name.first, first.isLowercase, name.allSatisfy({ $0.isLetter || $0.isNumber }) {
        out += flag(for: String(name))
      } else {
        out += "`\(name)`"
      }
      rest = after[after.index(after: close)...]
    }
    return out + rest
  }
}
