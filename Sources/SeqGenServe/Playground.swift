import FlyingFox
import FlyingSocks
import Foundation
import SeqGenEngine
import Synchronization

/// The browser playground's server: the page, and a JSON API over the served runs' generation.
///
/// It serves only the runs it was given, each under its id; no path in a request is ever
/// opened: results go to the server's own folder under names it checks (`ServedFile`), and a
/// file comes back only if this server wrote it. Every request is bounded: body size, sample
/// count, wall time, and the number of generations running and waiting (`GenerationGate`).
///
/// Endpoints (all JSON but the page and the files):
/// - `GET /`: the page.
/// - `GET /api/runs`: the runs, each with `id`, `domain`, `stepUnit`, `figures`, `controls`, `options`.
/// - `POST /api/runs/{id}/generate`: body `{"request": {…}, "options": {…}, "prime": {…}}`
///   (the shared `GenerationRequest`, the domain's options, and a prime as `text` or as
///   `name` + `base64` file contents); answers the result.
/// - `POST /api/runs/{id}/stream`: the same body; answers server-sent events `primed`, `step`
///   (text), `pen` (a pen offset), `report`, `notice`, then `done` (the result) or `error`.
/// - `GET /api/files/{result}/{name}`: a file a generation wrote.
public final class Playground: Sendable {
  public struct Limits: Sendable {
    /// Largest request body (a prime upload travels in it as base64).
    public var bodyBytes = 4 << 20
    /// Generations running at once, and waiting beyond those.
    public var slots = 1
    public var queue = 8
    /// Wall-clock seconds one generation may take.
    public var seconds = 60.0
    /// Samples one request may ask for.
    public var count = 8
    /// Results whose files are kept (the oldest are deleted).
    public var keptResults = 64

    public init() {}
  }

  public let runs: [ServedRun]
  public let limits: Limits
  let gate: GenerationGate
  let results: ResultStore
  let page: Data
  /// The port `start` bound, for `PeerWatch`.
  let port = Atomic<UInt16>(0)

  public init(runs: [ServedRun], limits: Limits = Limits()) throws {
    self.runs = runs
    self.limits = limits
    // Each request would read its run's checkpoint again; keep them (two per run: best and latest).
    CheckpointCache.enable(capacity: max(2 * runs.count, 2))
    gate = GenerationGate(slots: limits.slots, queue: limits.queue)
    results = try ResultStore(keeping: limits.keptResults)
    page = Data(PlaygroundPage.html.utf8)
  }

  /// Deletes every result's files (the server is stopping).
  public func removeResults() { try? FileManager.default.removeItem(at: results.root) }

  /// Starts listening on `host`:`port` (0: any free port); returns the server, running in
  /// a task, and the address it listens on.
  /// A failure to bind (address in use, no such address) is thrown at once, as one line.
  public func start(host: String, port: UInt16) async throws -> (server: HTTPServer, url: String) {
    let address: any SocketAddress
    do {
      address =
        host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
    } catch {
      throw PlaygroundError.failed("`host` \(host) is not an IP address (127.0.0.1, 0.0.0.0, ::1, …)")
    }
    let server = HTTPServer(
      // FlyingFox answers 500 past its timeout: allow for a full queue ahead of a request.
      config: HTTPServer.Configuration(
        address: address, timeout: Double(limits.queue + 1) * limits.seconds + 30,
        pool: NoDelayPool(base: HTTPServer.defaultPool()), logger: .disabled),
      handler: Handler(playground: self))
    let failure = Mutex<(any Error)?>(nil)
    Task {
      do { try await server.run() } catch { failure.withLock { $0 = error } }
    }
    let deadline = ContinuousClock.now + .seconds(10)
    while await !server.isListening {
      if let error = failure.withLock({ $0 }) { throw PlaygroundError.failed(Self.describe(socketError: error)) }
      guard ContinuousClock.now < deadline else { throw PlaygroundError.failed("the server did not start listening") }
      try await Task.sleep(for: .milliseconds(10))
    }
    switch await server.listeningAddress {
    case .ip4(let ip, let bound)?:
      self.port.store(bound, ordering: .relaxed)
      return (server, "http://\(ip):\(bound)/")
    case .ip6(let ip, let bound)?:
      self.port.store(bound, ordering: .relaxed)
      return (server, "http://[\(ip)]:\(bound)/")
    default: throw PlaygroundError.failed("the server is not listening")
    }
  }

  /// FlyingFox's socket error as "bind: Address already in use".
  static func describe(socketError error: any Error) -> String {
    if case .failed(let type, _, let message)? = error as? SocketError { return "\(type): \(message)" }
    return PlaygroundError.oneLine("\(error)")
  }

  struct Handler: HTTPHandler {
    let playground: Playground
    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse { await playground.respond(to: request) }
  }

  /// Routes one request; every failure becomes a JSON error with its status.
  func respond(to request: HTTPRequest) async -> HTTPResponse {
    do {
      let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
      let method = request.method
      if parts.isEmpty, method == .GET {
        return HTTPResponse(
          statusCode: .ok,
          headers: [.contentType: "text/html; charset=utf-8", HTTPHeader("Content-Security-Policy"): Self.policy],
          body: page)
      }
      if parts == ["api", "runs"] {
        guard method == .GET else { throw PlaygroundError.badRequest("\(method.rawValue) is not allowed here") }
        return try json(.ok, runs.map(describe))
      }
      if parts.count == 4, parts[0] == "api", parts[1] == "runs", ["generate", "stream"].contains(parts[3]) {
        guard method == .POST else { throw PlaygroundError.badRequest("\(method.rawValue) is not allowed here") }
        let job = try await prepare(try served(parts[2]), body: try await body(of: request))
        guard parts[3] == "generate" else { return try await stream(job) }
        // The stream notices a client that leaves when its next write fails; this answer is
        // written only at the end, so the connection is watched meanwhile.
        let watch = PeerWatch(localPort: port.load(ordering: .relaxed), peer: request.remoteAddress).map { watch in
          Task { await watch.cancelWhenGone(job.request.cancellation!) }
        }
        defer { watch?.cancel() }
        do { return try json(.ok, try await generate(job)) } catch {
          return failure(PlaygroundError.from(error, timeLimit: limits.seconds, folder: job.folder))
        }
      }
      if parts.count == 4, parts[0] == "api", parts[1] == "files", method == .GET {
        let (data, type) = try await results.file(parts[2], parts[3])
        return HTTPResponse(statusCode: .ok, headers: [.contentType: type], body: data)
      }
      throw PlaygroundError.notFound("no such page or endpoint")
    } catch {
      return failure(PlaygroundError.from(error, timeLimit: limits.seconds))
    }
  }

  /// Scripts and styles only from the page itself; no other origin is ever contacted.
  static let policy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'; connect-src 'self'"

  func served(_ id: String) throws -> ServedRun {
    guard let run = runs.first(where: { $0.id == id }) else { throw PlaygroundError.notFound("no run `\(id)`") }
    return run
  }

  /// The body, refused past the limit before it is read whole.
  func body(of request: HTTPRequest) async throws -> Data {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.bodyBytes {
      throw PlaygroundError.tooLarge(limits.bodyBytes)
    }
    var data = Data()
    for try await chunk in request.bodySequence {
      data.append(chunk)
      if data.count > limits.bodyBytes { throw PlaygroundError.tooLarge(limits.bodyBytes) }
    }
    return data
  }

  // MARK: Describing runs

  func describe(_ run: ServedRun) -> [String: JSONValue] {
    [
      "id": .string(run.id), "domain": .string(run.domain), "stepUnit": .string(run.stepUnit),
      "path": .string(run.run.url.path), "figures": .object(run.figures),
      "controls": .array(run.controls.map { .string($0) }),
      "primesFromText": .bool(run.session.primesFromText),
      "options": .array(run.options.map { describe($0, run: run) }),
      "controlSettings": .array(run.controlSettings.map { describe($0, run: run) }),
    ]
  }

  /// A setting as the page's form shows it: name, label, help, kind, starting value, range, and
  /// whether it is folded with the advanced ones; `flag` spells it for the command shown beside a result.
  func describe(_ option: ServedRun.Option, run: ServedRun) -> JSONValue {
    let s = option.setting
    var fields: [String: JSONValue] = [
      "name": .string(s.name), "label": .string(s.label), "help": .string(s.help), "kind": .string(s.kind.rawValue),
      "value": option.value, "advanced": .bool(s.advanced), "flag": .string(run.flag(s.name)),
      "place": .string(option.place),
    ]
    if let lo = s.minimum { fields["minimum"] = .number(lo) }
    if let hi = s.maximum { fields["maximum"] = .number(hi) }
    if s.exclusiveMinimum { fields["exclusiveMinimum"] = .bool(true) }
    if let range = s.rangeText { fields["range"] = .string(range) }
    return .object(fields)
  }

  // MARK: Generating

  /// One request, checked and ready: its folder holds the prime file, if any.
  struct Job: Sendable {
    var run: ServedRun
    var request: GenerationRequest
    var options: Data
    var primeText: String?
    var primeName: String?
    var result: String
    var folder: URL
  }

  /// Checks a generation body (`PlaygroundRequest`) and writes its prime to the job's folder.
  func prepare(_ run: ServedRun, body: Data) async throws -> Job {
    let decoded = try PlaygroundRequest(body: body, options: Set(run.options.map(\.name)), maxCount: limits.count)
    if case .text? = decoded.prime, !run.session.primesFromText {
      throw PlaygroundError.badRequest(
        "a \(run.domain) run is primed from a file of its own; send `prime.name` and `prime.base64`, not `prime.text`")
    }
    var request = decoded.request
    let (result, folder) = try await results.open()
    var primeText: String?
    var primeName: String?
    switch decoded.prime {
    case .text(let text)?:
      primeText = text
      request.primeFile = try write(Data(text.utf8), named: "prime.txt", in: folder)
    case .file(let name, let bytes)?:
      let path = try write(bytes, named: name, in: folder)
      primeName = URL(fileURLWithPath: path).lastPathComponent
      request.primeFile = path
    case nil: break
    }
    request.cancellation = GenerationCancellation(deadline: .now + .seconds(limits.seconds))
    return Job(
      run: run, request: request, options: decoded.options, primeText: primeText, primeName: primeName,
      result: result, folder: folder)
  }

  func write(_ data: Data, named name: String, in folder: URL) throws -> String {
    let path = ServedFile.path("prime-" + name, in: folder)!
    do { try data.write(to: URL(fileURLWithPath: path)) } catch {
      throw PlaygroundError.failed("cannot store the prime: \(error.localizedDescription)")
    }
    return path
  }

  /// Runs the job on a thread of its own (generation is long, synchronous work that must not
  /// hold one of the few threads the server's tasks share), once the gate lets it.
  func generate(_ job: Job, events: @escaping @Sendable (GenerationEvent) -> Void = { _ in }) async throws -> [String:
    JSONValue]
  {
    try await gate.enter()
    let lines = LineBox()
    let outcome: Result<(GenerationOutput, [String: JSONValue]), any Error> = await withCheckedContinuation { done in
      let thread = Thread {
        done.resume(
          returning: Result {
            try job.run.generate(job.request, options: job.options, in: job.folder) { event in
              lines.add(event)
              events(event)
            }
          })
      }
      thread.stackSize = 16 << 20
      thread.start()
    }
    await gate.leave()
    let (output, settings) = try outcome.get()
    return try await results.record(
      job, output: output, settings: settings, reports: lines.reports, notices: lines.notices)
  }

  /// The stream endpoint: events as they happen, then the result.
  func stream(_ job: Job) async throws -> HTTPResponse {
    let body = EventStreamBody(cancellation: job.request.cancellation!)
    let folder = job.folder.path + "/"
    Task {
      do {
        let result = try await generate(job) { event in
          switch event {
          case .primed(let text): body.send("primed", ["text": .string(text)])
          case .step(let sample, let text):
            body.send("step", ["sample": .number(Double(sample)), "text": .string(text)])
          case .pen(let sample, let dx, let dy, let lift):
            body.send(
              "pen", ["sample": .number(Double(sample)), "dx": .number(dx), "dy": .number(dy), "lift": .bool(lift)])
          case .report(let line):
            body.send("report", ["line": .string(line.replacingOccurrences(of: folder, with: ""))])
          case .notice(let line):
            body.send("notice", ["line": .string(line.replacingOccurrences(of: folder, with: ""))])
          }
        }
        body.send("done", result)
      } catch {
        let failure = PlaygroundError.from(error, timeLimit: limits.seconds, folder: job.folder)
        body.send("error", ["status": .number(Double(failure.status)), "error": .string(failure.description)])
      }
      body.finish()
    }
    return HTTPResponse(
      statusCode: .ok,
      headers: [.contentType: "text/event-stream", HTTPHeader("Cache-Control"): "no-store"],
      body: HTTPBodySequence(from: body.sequence))
  }

  // MARK: Answers

  func json(_ status: HTTPStatusCode, _ value: some Encodable) throws -> HTTPResponse {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return HTTPResponse(
      statusCode: status, headers: [.contentType: "application/json"], body: try encoder.encode(value))
  }

  func failure(_ error: PlaygroundError) -> HTTPResponse {
    let body = (try? JSONEncoder().encode(["error": error.description])) ?? Data()
    return HTTPResponse(
      statusCode: HTTPStatusCode(error.status, phrase: ""), headers: [.contentType: "application/json"], body: body)
  }
}

/// Lines a generation reported, gathered on its thread and read after it ends.
final class LineBox: @unchecked Sendable {
  private(set) var reports: [String] = []
  private(set) var notices: [String] = []

  func add(_ event: GenerationEvent) {
    switch event {
    case .report(let line): reports.append(line)
    case .notice(let line): notices.append(line)
    default: break
    }
  }
}
