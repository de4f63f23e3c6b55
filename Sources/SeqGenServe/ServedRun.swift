import Foundation
import SeqGenEngine
import SeqGenKit

/// The engine's JSON value (FlyingFox has one of its own).
public typealias JSONValue = SeqGenEngine.JSONValue

/// One run the playground serves: what the page shows of it, over the run's generation session
/// (`GenerationSession`, the domain's options as JSON), so the server itself names no domain.
public struct ServedRun: Sendable {
  /// The short id in the API's paths ("shakespeare", or "run-2" when two runs share a name).
  public let id: String
  public let session: GenerationSession
  public var run: RunDirectory { session.run }
  public var domain: String { session.domain }
  public var stepUnit: String { session.stepUnit }
  /// The sampling controls the run's head reads (`OutputHead.acceptedControls`).
  public var controls: [String] { session.controls }
  /// The figures the page shows.
  public let figures: [String: JSONValue]
  /// The domain's generation options as the page's form shows them: each setting's description
  /// and the value the playground starts from.
  public let options: [Option]
  /// The sampling controls the run's head reads and the request's own settings (seed, count),
  /// described the same way.
  public let controlSettings: [Option]
  /// Spells a setting as the command-line flag that sets it (`topK` → `--top-k`).
  let flag: @Sendable (String) -> String

  /// A setting as the page shows it: its description, its starting value, and where the
  /// request body carries it (`options`, `request` or `request.controls`).
  public struct Option: Sendable, Equatable {
    public var setting: Setting
    public var value: JSONValue
    public var place: String
    public var name: String { setting.name }
  }

  /// - Parameter flag: the CLI's spelling of a setting, for the command shown beside each result.
  public init(id: String, session: GenerationSession, flag: @escaping @Sendable (String) -> String) {
    self.id = id
    self.session = session
    self.flag = flag
    let progress = session.manifest.progress
    let model = session.manifest.model
    var figures: [String: JSONValue] = [
      "parameters": .number(Double(model.parameterCount)), "step": .number(Double(progress.step)),
      "layers": .number(Double(model.numLayers)), "hiddenSize": .number(Double(model.hiddenSize)),
      "trainingSeconds": .number(progress.elapsedSeconds.rounded()),
    ]
    if let v = progress.bestValidationLoss { figures["bestValidationBits"] = .number(v / M_LN2) }
    if let v = progress.validationLoss { figures["validationBits"] = .number(v / M_LN2) }
    self.figures = figures
    options = Self.describe(session.optionSettings, startingFrom: session.startingOptions, place: "options")
    let accepted = Set(session.controls)
    controlSettings =
      Self.describe(
        SamplingControls.settings.filter { accepted.contains($0.name) }, startingFrom: .object([:]),
        place: "request.controls")
      + Self.describe(
        session.requestSettings.filter { $0.name != "checkpoint" }, startingFrom: .object([:]), place: "request")
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
      return ServedRun(id: id, session: try GenerationSession(run: dir, catalog: catalog), flag: flag)
    }
  }

  /// Runs one generation; `folder` receives every file it writes.
  func generate(_ request: GenerationRequest, options: Data, in folder: URL, events: (GenerationEvent) -> Void)
    throws -> (GenerationOutput, [String: JSONValue])
  {
    do {
      return try session.generate(request, options: options, in: folder, events: events)
    } catch GenerationSessionError.badOptions(let error) {
      throw PlaygroundError.badRequest(PlaygroundError.describe(error, under: "options"))
    }
  }
}
