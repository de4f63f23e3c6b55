import Foundation
import SeqGenEngine

/// A generation body as the playground takes it, decoded and checked in memory (nothing is
/// written or opened here; `scripts/fuzz.sh` fuzzes it): known fields only, the shared request
/// within the server's limits, the domain's options left as JSON for the domain to decode, and
/// the prime as text or as a file's bytes.
struct PlaygroundRequest {
  var request: GenerationRequest
  /// The `options` object, encoded again for the domain's `GenerationOptions`.
  var options: Data
  var prime: Prime?

  enum Prime: Equatable {
    case text(String)
    case file(name: String, bytes: Data)
  }

  /// - Parameters:
  ///   - names: the fields the run's domain options have.
  ///   - maxCount: the most samples one request may ask for.
  init(body: Data, options names: Set<String>, maxCount: Int) throws(PlaygroundError) {
    let top: [String: JSONValue]
    do { top = try JSONDecoder().decode([String: JSONValue].self, from: body) } catch {
      throw .badRequest("the body is not a JSON object: \(PlaygroundError.describe(error))")
    }
    try Self.known(top, ["request", "options", "prime"], in: "the body")
    let requestJSON = top["request"] ?? .object([:])
    guard case .object(let fields) = requestJSON else { throw .badRequest("`request` must be an object") }
    try Self.known(fields, ["checkpoint", "controls", "seed", "count", "out"], in: "`request`")
    if let controls = fields["controls"] {
      guard case .object(let c) = controls else { throw .badRequest("`request.controls` must be an object") }
      try Self.known(c, Set(SamplingControl.allCases.map(\.rawValue)), in: "`request.controls`")
    }
    do { request = try GenerationRequest.decode(withDefaults: JSONEncoder().encode(requestJSON)) } catch {
      throw .badRequest(PlaygroundError.describe(error, under: "request"))
    }
    guard (1...maxCount).contains(request.count) else {
      throw .badRequest("`request.count` must be in 1...\(maxCount) here, got \(request.count)")
    }
    let optionsJSON = top["options"] ?? .object([:])
    guard case .object(let given) = optionsJSON else { throw .badRequest("`options` must be an object") }
    try Self.known(given, names, in: "`options`")
    do { options = try JSONEncoder().encode(optionsJSON) } catch {
      throw .badRequest("`options` cannot be encoded again: \(PlaygroundError.describe(error))")
    }
    guard let p = top["prime"] else { return }
    guard case .object(let fields) = p else { throw .badRequest("`prime` must be an object") }
    try Self.known(fields, ["text", "name", "base64"], in: "`prime`")
    switch (fields["text"], fields["name"], fields["base64"]) {
    case (.string(let text)?, nil, nil):
      guard !text.isEmpty else { throw .badRequest("`prime.text` is empty") }
      prime = .text(text)
    case (nil, .string(let name)?, .string(let base64)?):
      guard let bytes = Data(base64Encoded: base64), !bytes.isEmpty else {
        throw .badRequest("`prime.base64` is not base64 data")
      }
      prime = .file(name: name, bytes: bytes)
    default:
      throw .badRequest("`prime` takes `text`, or `name` and `base64` (strings)")
    }
  }

  static func known(_ object: [String: JSONValue], _ names: Set<String>, in place: String) throws(PlaygroundError) {
    if let unknown = object.keys.sorted().first(where: { !names.contains($0) }) {
      throw .badRequest(
        "\(place) has no field `\(unknown)` (it takes \(names.sorted().map { "`\($0)`" }.joined(separator: ", ")))")
    }
  }
}
