import Foundation
import SeqGenEngine
import SeqGenKit

/// The engine's JSON value (FlyingFox has one of its own).
public typealias JSONValue = SeqGenEngine.JSONValue

/// One run the playground serves: what the page shows of it, and its domain's generation
/// pipeline with the domain's options erased to JSON, so the server itself names no domain.
public struct ServedRun: Sendable {
  /// The short id in the API's paths ("shakespeare", or "run-2" when two runs share a name).
  public let id: String
  public let run: RunDirectory
  /// The run's domain, its step unit and the figures the page shows.
  public let domain: String
  public let stepUnit: String
  public let figures: [String: JSONValue]
  /// The sampling controls the run's head reads (`OutputHead.acceptedControls`).
  public let controls: [String]
  /// The domain's generation options as the page's form shows them: each setting's description
  /// and the value the playground starts from.
  public let options: [Option]
  /// The sampling controls the run's head reads and the request's own settings (seed, count),
  /// described the same way.
  public let controlSettings: [Option]
  /// Spells a setting as the command-line flag that sets it (`topK` → `--top-k`).
  let flag: @Sendable (String) -> String
  let generateBody:
    @Sendable (GenerationRequest, Data, URL, (GenerationEvent) -> Void) throws -> (
      GenerationOutput, [String: JSONValue]
    )

  /// A setting as the page shows it: its description, its starting value, and where the
  /// request body carries it (`options`, `request` or `request.controls`).
  public struct Option: Sendable, Equatable {
    public var setting: Setting
    public var value: JSONValue
    public var place: String
    public var name: String { setting.name }
  }

  /// - Parameters:
  ///   - domain: the domain as generation uses it (its settings come from the run's codec).
  ///   - flag: the CLI's spelling of a setting, for the command shown beside each result.
  public init<D: SequenceDomain>(
    id: String, run: RunDirectory, domain: D, flag: @escaping @Sendable (String) -> String
  ) throws {
    let manifest = try run.manifest()
    guard manifest.domain == D.name else {
      throw EngineError.badCheckpoint(path: run.url.path, reason: "holds a \(manifest.domain) model, not \(D.name)")
    }
    let codec = try manifest.codec(as: D.Codec.self, path: run.url.path)
    let head = domain.configured(for: codec).makeHead(codec)
    self.id = id
    self.run = run
    self.domain = D.name
    stepUnit = D.stepUnit
    self.flag = flag
    controls = type(of: head).acceptedControls.map(\.rawValue).sorted()
    let progress = manifest.progress
    var figures: [String: JSONValue] = [
      "parameters": .number(Double(manifest.model.parameterCount)), "step": .number(Double(progress.step)),
      "layers": .number(Double(manifest.model.numLayers)), "hiddenSize": .number(Double(manifest.model.hiddenSize)),
      "trainingSeconds": .number(progress.elapsedSeconds.rounded()),
    ]
    if let v = progress.bestValidationLoss { figures["bestValidationBits"] = .number(v / M_LN2) }
    if let v = progress.validationLoss { figures["validationBits"] = .number(v / M_LN2) }
    self.figures = figures
    let start = try JSONValue.encoding(D.GenerationOptions.decode(withDefaults: Data(D.playgroundOptions.utf8)))
    options = Self.describe(D.GenerationOptions.settings, startingFrom: start, place: "options")
    let accepted = Set(controls)
    controlSettings =
      Self.describe(
        SamplingControls.settings.filter { accepted.contains($0.name) }, startingFrom: .object([:]),
        place: "request.controls")
      + Self.describe(
        GenerationRequest.settings.filter { $0.name != "checkpoint" }, startingFrom: .object([:]), place: "request")
    generateBody = { request, json, folder, events in
      let given: D.GenerationOptions
      do { given = try D.GenerationOptions.decode(withDefaults: json) } catch {
        throw PlaygroundError.badRequest("`options`: \(PlaygroundError.describe(error))")
      }
      let (served, options) = try domain.served(request, options: given, in: folder)
      let output = try domain.generate(run: run, request: served, options: options, events: events)
      // The settings as the user gave them, except the file names `served` moved into the
      // server's folder, which keep only their names (what the command should write to).
      let asGiven = try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(given))
      let asServed = try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(options))
      var settings = asGiven
      for (name, value) in asGiven {
        if case .string(let path)? = asServed[name], asServed[name] != value {
          settings[name] = .string(URL(fileURLWithPath: path).lastPathComponent)
        }
      }
      return (output, settings)
    }
  }

  /// The settings with the values a form starts from: `start`'s, else each one's default.
  static func describe(_ settings: [Setting], startingFrom start: JSONValue, place: String) -> [Option] {
    let values: [String: JSONValue]
    if case .object(let given) = start { values = given } else { values = [:] }
    return settings.map { Option(setting: $0, value: values[$0.name] ?? $0.defaultValue ?? .null, place: place) }
  }

  /// The runs to serve, each under its folder's name (made unique): a path that is a run, or
  /// the runs directly inside a folder that is not one.
  ///
  /// - Parameter flag: the front end's spelling of a setting, for the command shown beside
  ///   each result.
  public static func find(
    _ paths: [String], in catalog: DomainCatalog, flag: @escaping @Sendable (String) -> String
  ) throws -> [ServedRun] {
    var found: [RunDirectory] = []
    for path in paths {
      let dir = RunDirectory(URL(fileURLWithPath: path))
      if dir.exists {
        found.append(dir)
        continue
      }
      let inside = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        .map { RunDirectory(URL(fileURLWithPath: path).appendingPathComponent($0)) }.filter(\.exists)
      guard !inside.isEmpty else { throw EngineError.notARun(path: path) }
      found += inside
    }
    var ids: Set<String> = []
    return try found.map { dir in
      let base = String(dir.url.lastPathComponent.filter { $0.isLetter || $0.isNumber || "-_".contains($0) }.prefix(40))
      var id = base.isEmpty ? "run" : base
      var n = 2
      while ids.contains(id) {
        id = "\(base)-\(n)"
        n += 1
      }
      ids.insert(id)
      return try ServedRun(id: id, run: dir, domain: try catalog.domain(of: dir), flag: flag)
    }
  }

  /// Runs one generation; `folder` receives every file it writes.
  func generate(_ request: GenerationRequest, options: Data, in folder: URL, events: (GenerationEvent) -> Void)
    throws -> (GenerationOutput, [String: JSONValue])
  {
    try generateBody(request, options, folder, events)
  }
}
