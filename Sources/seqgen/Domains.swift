import SeqGenEngine
import AudioDomain
import HandwritingDomain
import NoteDomain
import TextDomain

/// The static list of domains the CLI serves, by manifest name.
enum Domains {
  /// A default instance of each domain; settings a run needs again come from its codec.
  static let all: [any SequenceDomain] = [
    TextDomain(),
    HandwritingDomain(),
    NoteDomain(),
    AudioDomain(),
  ]

  static var names: [String] { all.map { type(of: $0).name } }

  static func named(_ name: String) throws -> any SequenceDomain {
    guard let domain = all.first(where: { type(of: $0).name == name }) else {
      throw EngineError.invalidArgument("unknown domain '\(name)' (this seqgen knows \(names.joined(separator: ", ")))")
    }
    return domain
  }
}
