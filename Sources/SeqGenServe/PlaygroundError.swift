import Foundation
import SeqGenEngine

/// What the playground answers instead of a result: an HTTP status and one line for the client.
public enum PlaygroundError: Error, CustomStringConvertible, Equatable {
  /// Malformed or out-of-range input (400).
  case badRequest(String)
  /// No such run, file or endpoint (404).
  case notFound(String)
  /// A body over the limit (413).
  case tooLarge(Int)
  /// Every generation slot busy and the queue full (429).
  case busy
  /// The generation ran past the time limit (503).
  case timedOut(seconds: Double)
  /// The run could not be used (500).
  case failed(String)

  public var status: Int {
    switch self {
    case .badRequest: 400
    case .notFound: 404
    case .tooLarge: 413
    case .busy: 429
    case .timedOut: 503
    case .failed: 500
    }
  }

  public var description: String {
    switch self {
    case .badRequest(let m), .notFound(let m), .failed(let m): m
    case .tooLarge(let limit): "the request body is over the limit of \(limit) bytes"
    case .busy: "every generation slot is busy and the queue is full; try again shortly"
    case .timedOut(let s): "the generation ran past the time limit of \(Int(s)) s"
    }
  }

  /// Any error of a generation as the client's fault (its settings or its prime: 400) or the
  /// server's (the run cannot be loaded or written: 500), with the server's folder left out.
  static func from(_ error: any Error, timeLimit: Double, folder: URL? = nil) -> PlaygroundError {
    if let error = error as? PlaygroundError { return error }
    var line = spelledForTheAPI(oneLine("\(error)"))
    if let folder { line = line.replacingOccurrences(of: folder.path + "/", with: "") }
    switch error as? EngineError {
    case .cancelled?: return .timedOut(seconds: timeLimit)
    case .badCheckpoint?, .notARun?, .io?, .diverged?: return .failed(line)
    default: return .badRequest(line)
    }
  }

  /// A decoding error as one line: the field's path and what was wrong.
  static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return oneLine("\(error)") }
    func path(_ context: DecodingError.Context) -> String {
      let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
      return p.isEmpty ? "" : "`\(p)`: "
    }
    switch error {
    case .typeMismatch(let type, let c): return "\(path(c))expected \(type)"
    case .valueNotFound(let type, let c): return "\(path(c))expected \(type), got null"
    case .keyNotFound(let key, let c): return "\(path(c))missing `\(key.stringValue)`"
    case .dataCorrupted(let c): return "\(path(c))\(oneLine(c.debugDescription))"
    @unknown default: return oneLine("\(error)")
    }
  }

  /// A message with every setting named in backticks spelled as the field of the request body
  /// that sets it: `` `temperature` `` → `` `request.controls.temperature` ``, `` `seconds` `` →
  /// `` `options.seconds` ``, `` `prime` `` → `` `prime.text` ``.
  static func spelledForTheAPI(_ message: String) -> String {
    let controls = Set(SamplingControl.allCases.map(\.rawValue))
    let request: Set = ["checkpoint", "seed", "count"]
    return Setting.respell(message) { name in
      let field =
        controls.contains(name)
        ? "request.controls.\(name)"
        : request.contains(name)
          ? "request.\(name)" : name == "prime" ? "prime.text" : name == "primeFile" ? "prime.name" : "options.\(name)"
      return "`\(field)`"
    }
  }

  /// A decoding error as one line: the field's path under `place` (`options`) and what was wrong.
  static func describe(_ error: any Error, under place: String) -> String {
    guard let error = error as? DecodingError else { return "`\(place)`: " + oneLine("\(error)") }
    let context: DecodingError.Context? =
      switch error {
      case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): c
      @unknown default: nil
      }
    let path = ([place] + (context?.codingPath ?? []).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue })
      .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    return "`\(path)`: "
      + describe(error).replacingOccurrences(of: #"^`[^`]*`: "#, with: "", options: .regularExpression)
  }

  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
