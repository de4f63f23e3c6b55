/// The processes that train one model together (data-parallel training) and the few
/// collective operations the trainer needs from them.
///
/// The engine knows only this protocol; a transport (MPI) implements it outside the engine.
/// Every process calls the same operations in the same order. A single process is
/// `SingleProcess`, whose operations do nothing, so a plain run takes exactly the code path
/// it always took.
public protocol Collective: AnyObject {
  /// This process, 0..<size; process 0 alone writes the run directory.
  var rank: Int { get }
  var size: Int { get }
  /// The machine this process runs on, for messages.
  var host: String { get }
  /// Replaces `values` on every process by their element-wise sum over all processes. The
  /// result is the same on every process.
  func sum(_ values: UnsafeMutablePointer<Float>, count: Int) throws
  func sum(_ values: inout [Double]) throws
  /// Replaces `bytes` on every process by process 0's.
  func broadcast(_ bytes: inout [UInt8]) throws
  func broadcast(_ values: UnsafeMutablePointer<Float>, count: Int) throws
  /// The lowest rank where `ok` is false, on every process; nil when it holds everywhere.
  func firstFailure(_ ok: Bool) throws -> Int?
  /// Every process's `bytes`, in rank order, on every process.
  func gather(_ bytes: [UInt8]) throws -> [[UInt8]]
}

extension Collective {
  public var isSingle: Bool { size == 1 }

  /// Runs `body` on every process, then agrees on the outcome: when it failed anywhere, every
  /// process throws, the lowest failing rank its own error and the others
  /// `otherProcessFailed`, so the job reports one error and no process goes on to wait in a
  /// collective the failed one never reaches.
  public func agree<T>(_ body: () throws -> T) throws -> T {
    let value: T
    do { value = try body() } catch { throw try failing(error) }
    try succeed()
    return value
  }

  /// The failing half of `agree`, for a stage written inline: returns the error to throw.
  public func failing(_ error: any Error) throws -> any Error {
    try firstFailure(false) == rank ? error : EngineError.otherProcessFailed
  }

  /// The succeeding half of `agree`: throws `otherProcessFailed` when another process failed.
  public func succeed() throws {
    if try firstFailure(true) != nil { throw EngineError.otherProcessFailed }
  }

  /// The global batch streams this process trains: its contiguous share of `batch`.
  public func streams(ofBatch batch: Int) -> Range<Int> { piece(rank, of: batch) }

  /// The k-th of `size` contiguous pieces of 0..<count.
  public func piece(_ k: Int, of count: Int) -> Range<Int> { (count * k / size)..<(count * (k + 1) / size) }

  /// Every process's string, in rank order.
  public func gather(_ text: String) throws -> [String] {
    try gather(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
  }
}

/// One process training alone: every collective is the identity.
public final class SingleProcess: Collective {
  public init() {}
  public var rank: Int { 0 }
  public var size: Int { 1 }
  public var host: String { "localhost" }
  public func sum(_ values: UnsafeMutablePointer<Float>, count: Int) {}
  public func sum(_ values: inout [Double]) {}
  public func broadcast(_ bytes: inout [UInt8]) {}
  public func broadcast(_ values: UnsafeMutablePointer<Float>, count: Int) {}
  public func firstFailure(_ ok: Bool) -> Int? { ok ? nil : 0 }
  public func gather(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
}
