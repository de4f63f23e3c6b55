import Foundation

/// One logged point of a training run: a line of metrics.jsonl and a point of loss.svg.
public struct MetricsRecord: Codable, Sendable, Equatable {
  public var step: Int
  public var epoch: Double
  public var learningRate: Double
  /// Mean training loss since the previous record, nats and bits per step.
  public var trainLoss: Double
  public var trainBits: Double
  public var validationLoss: Double?
  public var validationBits: Double?
  public var gradNorm: Double
  public var stepsPerSecond: Double
  /// Predicted steps (characters, points, …) per second of training.
  public var itemsPerSecond: Double
  public var elapsedSeconds: Double
  /// With several processes: milliseconds per step spent summing across them (the gradient
  /// allreduce and its two small companions), waiting for the slowest included.
  public var reduceMsPerStep: Double?
}

/// metrics.jsonl: appended line by line, trimmed on resume to the checkpoint's step so a
/// resumed run does not repeat the lines written after its last checkpoint.
public final class MetricsLog {
  public let url: URL
  public private(set) var records: [MetricsRecord] = []

  /// Opens the log; with `resumeAt`, keeps records up to that step, otherwise starts empty.
  public init(url: URL, resumeAt step: Int?) throws(EngineError) {
    self.url = url
    if let step, let data = try? Data(contentsOf: url) {
      let decoder = JSONDecoder()
      for line in data.split(separator: UInt8(ascii: "\n")) {
        if let r = try? decoder.decode(MetricsRecord.self, from: line), r.step <= step { records.append(r) }
      }
    }
    try rewrite()
  }

  public func append(_ record: MetricsRecord) throws(EngineError) {
    records.append(record)
    var line = Self.encode(record)
    line.append(UInt8(ascii: "\n"))
    guard let handle = try? FileHandle(forWritingTo: url) else {
      throw .io(path: url.path, reason: "cannot open for appending")
    }
    defer { try? handle.close() }
    do {
      try handle.seekToEnd()
      try handle.write(contentsOf: line)
    } catch {
      throw .io(path: url.path, reason: "cannot append: \(error.localizedDescription)")
    }
  }

  private func rewrite() throws(EngineError) {
    var data = Data()
    for r in records {
      data.append(Self.encode(r))
      data.append(UInt8(ascii: "\n"))
    }
    try AtomicFile.write(data, to: url)
  }

  private static func encode(_ r: MetricsRecord) -> Data {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    e.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try! e.encode(r)
  }
}
