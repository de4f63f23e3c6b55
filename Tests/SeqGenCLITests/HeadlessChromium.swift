import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Headless Chromium driven through the DevTools protocol over `--remote-debugging-pipe`
/// (commands on its fd 3, answers on its fd 4, each a JSON message ended by a NUL byte): open a
/// page, evaluate script in it, take a screenshot.
final class HeadlessChromium {
  private var pid: pid_t = 0
  private let toBrowser: Int32
  private let fromBrowser: Int32
  private var nextID = 0
  private var pending = Data()
  private var session = ""

  static var executable: String? {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  init(profile: String) throws {
    let chromium = try #require(Self.executable, "chromium is not installed (scripts/install-deps.sh installs it)")
    var commands: [Int32] = [0, 0]
    var answers: [Int32] = [0, 0]
    try #require(pipe(&commands) == 0 && pipe(&answers) == 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, commands[0], 3)
    posix_spawn_file_actions_adddup2(&actions, answers[1], 4)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let args = [
      chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
      "--user-data-dir=\(profile)", "--window-size=1400,1000", "about:blank",
    ]
    var argv = args.map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    let spawned = posix_spawn(&pid, chromium, &actions, nil, &argv, environ)
    close(commands[0])
    close(answers[1])
    toBrowser = commands[1]
    fromBrowser = answers[0]
    try #require(spawned == 0, "cannot start \(chromium)")
  }

  deinit {
    close(toBrowser)
    close(fromBrowser)
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
  }

  /// Sends one command (to the page once `open` attached to it) and waits for its answer.
  @discardableResult
  func send(_ method: String, _ params: [String: Any] = [:], page: Bool = true) throws -> [String: Any] {
    nextID += 1
    var message: [String: Any] = ["id": nextID, "method": method, "params": params]
    if page && !session.isEmpty { message["sessionId"] = session }
    var bytes = try JSONSerialization.data(withJSONObject: message)
    bytes.append(0)
    _ = bytes.withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
    while true {
      let answer = try receive()
      guard answer["id"] as? Int == nextID else { continue }
      if let error = answer["error"] as? [String: Any] { throw Failure(message: "\(method): \(error)") }
      return answer["result"] as? [String: Any] ?? [:]
    }
  }

  struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  private func receive() throws -> [String: Any] {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      if let end = pending.firstIndex(of: 0) {
        let message = pending[pending.startIndex..<end]
        pending = Data(pending[pending.index(after: end)...])
        return (try? JSONSerialization.jsonObject(with: message)) as? [String: Any] ?? [:]
      }
      let n = read(fromBrowser, &buffer, buffer.count)
      guard n > 0 else { throw Failure(message: "chromium closed its DevTools pipe") }
      pending.append(contentsOf: buffer[0..<n])
    }
  }

  /// Opens `url` in a new page and attaches to it.
  func open(_ url: String) throws {
    let target = try send("Target.createTarget", ["url": url], page: false)
    let id = try #require(target["targetId"] as? String)
    let attached = try send("Target.attachToTarget", ["targetId": id, "flatten": true], page: false)
    session = try #require(attached["sessionId"] as? String)
  }

  /// The value of a script expression in the page.
  func evaluate(_ expression: String) throws -> Any? {
    let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
    return (result["result"] as? [String: Any])?["value"]
  }

  /// Polls `condition` (a script expression) until it is true or `timeout` seconds pass.
  func wait(until condition: String, timeout: Double) throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if try evaluate("!!(\(condition))") as? Bool == true { return true }
      usleep(100_000)
    }
    return false
  }

  /// A PNG of the page as it is laid out now.
  func screenshot() throws -> Data {
    let shot = try send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
    let text = try #require(shot["data"] as? String)
    return try #require(Data(base64Encoded: text))
  }
}
