import Foundation
import SeqGenEngine

/// The domains a program serves: made once at start-up from the program's one list and passed
/// down to what needs it (the command line, the playground's server), never kept in a global.
public struct DomainCatalog: Sendable {
  /// Each domain as evaluation, inspection and generation read it (settings come from each
  /// run's codec).
  public let domains: [any SequenceDomain]

  public init(_ domains: [any SequenceDomain]) { self.domains = domains }

  public var names: [String] { domains.map { type(of: $0).name } }

  /// The domain called `name`, or an error listing the known ones.
  public func named(_ name: String) throws -> any SequenceDomain {
    guard let domain = domains.first(where: { type(of: $0).name == name }) else {
      throw EngineError.invalidArgument("unknown domain '\(name)' (this seqgen knows \(names.joined(separator: ", ")))")
    }
    return domain
  }

  /// The domain whose model `run` holds (its manifest says which).
  public func domain(of run: RunDirectory) throws -> any SequenceDomain {
    try named(try run.manifest().domain)
  }

  /// The unit of one step of domain `name` ("char"), or "step" for a domain this program lacks.
  public func stepUnit(of name: String) -> String {
    (try? named(name)).map { type(of: $0).stepUnit } ?? "step"
  }
}
