import Foundation
import SeqGenEngine

/// One run opened for generation by a front end that knows no domain (the playground's server,
/// a script): the run's domain from the catalog, what its generation accepts (the head's
/// sampling controls, the domain's options described as settings, the options a form starts
/// from) and a generation that takes the domain's options as JSON.
///
/// A front end that knows the domain's options type (the command line) calls
/// `SequenceDomain.generate(run:request:options:events:)` directly; both run the same code.
public struct GenerationSession: Sendable {
  public let run: RunDirectory
  public let manifest: Manifest
  /// The run's domain and its step unit.
  public let domain: String
  public let stepUnit: String
  /// Whether a prime may be typed as text (`SequenceDomain.primesFromText`); else a file only.
  public let primesFromText: Bool
  /// The sampling controls the run's head reads (`OutputHead.acceptedControls`), by name.
  public let controls: [String]
  /// The domain's generation options this run accepts when served (`SequenceDomain.servedSettings`),
  /// each described once.
  public let optionSettings: [Setting]
  /// The shared request's settings this run accepts: the label only for a run trained with
  /// labels, its help then naming them.
  public let requestSettings: [Setting]
  /// The options a form starts from: what is quick to make and worth showing
  /// (`SequenceDomain.playgroundOptions`), with every default filled in.
  public let startingOptions: JSONValue
  private let body:
    @Sendable (GenerationRequest, Data, URL?, (GenerationEvent) -> Void) throws -> (
      GenerationOutput, [String: JSONValue]
    )

  /// Opens `run` for the domain the catalog has for it.
  public init(run: RunDirectory, catalog: DomainCatalog) throws {
    try self.init(run: run, domain: try catalog.domain(of: run))
  }

  /// Opens `run`, which must hold a model of `domain`.
  public init<D: SequenceDomain>(run: RunDirectory, domain: D) throws {
    let manifest = try run.manifest()
    guard manifest.domain == D.name else {
      throw EngineError.badCheckpoint(path: run.url.path, reason: "holds a \(manifest.domain) model, not \(D.name)")
    }
    let codec = try manifest.codec(as: D.Codec.self, path: run.url.path)
    let configured = domain.configured(for: codec)
    let head = configured.makeHead(codec)
    self.run = run
    self.manifest = manifest
    self.domain = D.name
    stepUnit = configured.stepUnit(of: codec)
    primesFromText = D.primesFromText
    controls = type(of: head).acceptedControls.map(\.rawValue).sorted()
    optionSettings = configured.servedSettings(codec)
    let labels = manifest.model.labels
    requestSettings = GenerationRequest.settings.compactMap { setting in
      guard setting.name == "label" else { return setting }
      guard let labels else { return nil }
      var named = setting
      named.help += " This run's: \(labels.joined(separator: ", "))."
      return named
    }
    startingOptions = try JSONValue.encoding(D.GenerationOptions.decode(withDefaults: Data(D.playgroundOptions.utf8)))
    body = { request, json, folder, events in
      let given: D.GenerationOptions
      do { given = try D.GenerationOptions.decode(withDefaults: json) } catch {
        throw GenerationSessionError.badOptions(error)
      }
      guard let folder else {
        let output = try domain.generate(run: run, request: request, options: given, events: events)
        return (output, try Self.fields(given))
      }
      let (served, options) = try domain.served(request, options: given, in: folder)
      let output = try domain.generate(run: run, request: served, options: options, events: events)
      // The settings as the user gave them, except the file names `served` moved into the
      // folder, which keep only their names (what a command line would write to).
      let asGiven = try Self.fields(given)
      let asServed = try Self.fields(options)
      var settings = asGiven
      for (name, value) in asGiven {
        if case .string(let path)? = asServed[name], asServed[name] != value {
          settings[name] = .string(URL(fileURLWithPath: path).lastPathComponent)
        }
      }
      return (output, settings)
    }
  }

  /// Generates as `request` and `options` (the domain's options as JSON, any field left out)
  /// say; returns the output and the options as given, field by field.
  ///
  /// - Parameter folder: where every file is written, the request's and the options' file
  ///   names moved into it (`SequenceDomain.served`); nil writes where they say.
  public func generate(
    _ request: GenerationRequest, options: Data, in folder: URL? = nil, events: (GenerationEvent) -> Void = { _ in }
  ) throws -> (output: GenerationOutput, settings: [String: JSONValue]) {
    try body(request, options, folder, events)
  }

  private static func fields(_ value: some Encodable) throws -> [String: JSONValue] {
    guard case .object(let fields) = try JSONValue.encoding(value) else { return [:] }
    return fields
  }
}

/// What a generation session throws beside the domain's and the engine's errors.
public enum GenerationSessionError: Error, CustomStringConvertible {
  /// The options JSON does not decode as the domain's options.
  case badOptions(any Error)

  public var description: String {
    switch self {
    case .badOptions(let error): "the domain's options do not decode: \(error)"
    }
  }
}
