import ArgumentParser
import Dispatch
import Foundation
import SeqGenCLI
import SeqGenEngine
import SeqGenServe

#if canImport(Glibc)
  import Glibc
#endif

/// `seqgen serve RUN…`: the browser playground over the named runs.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a playground page and a JSON API that generate from the given runs.",
    discussion: """
      Serves only the runs named (a folder of runs serves each run in it), each under a short \
      id, on 127.0.0.1 unless --host says otherwise; open the printed address. The page has a \
      panel per run with the controls its domain's generation has; text streams as it is \
      drawn, files (SVG, audio, MIDI) appear when done, with the seqgen generate command that \
      makes the same result. The JSON API the page uses: GET /api/runs, POST \
      /api/runs/ID/generate and POST /api/runs/ID/stream (server-sent events), each taking \
      {"request": {…}, "options": {…}, "prime": {"text": …} or {"name": …, "base64": …}}. \
      Requests are bounded: --max-body bytes, --max-count samples, --time-limit seconds, \
      --slots generations at once and --queue waiting (then 429); a generation stops when its \
      client hangs up.

      Example: seqgen serve runs/shakespeare runs/hw --port 8080
      """
  )

  @Argument(help: ArgumentHelp("Run directories, or folders of them.", valueName: "run-dir")) var runs: [String]
  @Option(help: "Address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
  @Option(help: "Port to listen on (0: any free port, printed).") var port: UInt16 = 8080
  @Option(help: "Generations that run at once.") var slots = 1
  @Option(help: "Requests that wait for a slot before later ones get 429.") var queue = 8
  @Option(help: "Seconds one generation may run before it is stopped.") var timeLimit = 60.0
  @Option(help: "Samples one request may ask for.") var maxCount = 8
  @Option(help: "Largest request body in bytes (a prime file travels in it).") var maxBody = 4 << 20

  func validate() throws {
    guard !runs.isEmpty else { throw ValidationError("name at least one run directory") }
    guard slots >= 1, queue >= 0, maxCount >= 1, maxBody >= 1024, timeLimit > 0, timeLimit <= 3600 else {
      throw ValidationError(
        "--slots and --max-count must be at least 1, --queue at least 0, --max-body at least 1024, --time-limit in (0, 3600]"
      )
    }
  }

  func run() throws {
    var limits = Playground.Limits()
    (limits.slots, limits.queue, limits.seconds, limits.count, limits.bodyBytes) =
      (slots, queue, timeLimit, maxCount, maxBody)
    let catalog = CommandCatalog.current
    let served = try ServedRun.find(runs, in: catalog.domains) { catalog.flag(for: $0) }
    let playground = try Playground(runs: served, limits: limits)
    let started = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var failure: (any Error)?
    nonisolated(unsafe) var address = ""
    let (host, port) = (host, port)
    Task {
      do { address = try await playground.start(host: host, port: port).url } catch { failure = error }
      started.signal()
    }
    started.wait()
    if let failure { throw EngineError.invalidArgument("cannot listen on \(host):\(port): \(failure)") }
    Console.line("serving \(playground.runs.map(\.id).joined(separator: ", ")) at \(address)")
    let stop = { (_: Int32) in
      playground.removeResults()
      Foundation.exit(0)
    }
    let sources = [SIGINT, SIGTERM].map { sig in
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
      source.setEventHandler { stop(sig) }
      source.resume()
      return source
    }
    // The sources live as long as the server: dispatchMain() never returns.
    withExtendedLifetime(sources) { dispatchMain() }
  }
}
