import FlyingFox
import FlyingSocks
import Foundation
import SeqGenEngine

/// A server-sent-events response body fed from a generation thread: each `send` is one
/// `event:`/`data:` block, written as one chunk. When the client goes away the server drops
/// the body, and with it its iterator, which cancels the generation.
final class EventStreamBody: Sendable {
  private let stream: AsyncStream<Data>
  private let continuation: AsyncStream<Data>.Continuation
  let cancellation: GenerationCancellation

  init(cancellation: GenerationCancellation) {
    (stream, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .unbounded)
    self.cancellation = cancellation
  }

  func send(_ event: String, _ data: [String: JSONValue]) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    let json = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    continuation.yield(Data("event: \(event)\ndata: \(json)\n\n".utf8))
  }

  func finish() { continuation.finish() }

  var sequence: Bytes { Bytes(stream: stream, cancellation: cancellation) }

  struct Bytes: AsyncBufferedSequence {
    typealias Element = UInt8
    let stream: AsyncStream<Data>
    let cancellation: GenerationCancellation

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator(), watch: Watch(cancellation)) }

    struct Iterator: AsyncBufferedIteratorProtocol {
      var base: AsyncStream<Data>.AsyncIterator
      let watch: Watch
      var pending: [UInt8] = []

      mutating func next() async -> UInt8? {
        if pending.isEmpty, let chunk = await base.next() { pending = Array(chunk) }
        return pending.isEmpty ? nil : pending.removeFirst()
      }

      mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
        if pending.isEmpty {
          guard let chunk = await base.next() else {
            watch.finished()
            return nil
          }
          pending = Array(chunk)
        }
        let n = Swift.min(Swift.max(count, 1), pending.count)
        defer { pending.removeFirst(n) }
        return Array(pending.prefix(n))
      }
    }
  }

  /// Cancels the generation when the server lets go of the body before its end.
  final class Watch: @unchecked Sendable {
    let cancellation: GenerationCancellation
    private var done = false
    init(_ cancellation: GenerationCancellation) { self.cancellation = cancellation }
    func finished() { done = true }
    deinit { if !done { cancellation.cancel() } }
  }
}
