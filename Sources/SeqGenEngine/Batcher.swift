/// Cuts a corpus into B parallel streams and walks them in chunks of T steps, as char-rnn
/// does: stream b owns pairs [b·L, (b+1)·L), chunk k is columns [k·T, (k+1)·T) of every stream,
/// and the state is carried from chunk k to k + 1. After the last whole chunk the walk wraps to
/// the start (a new epoch) with the state zeroed.
///
/// Each epoch has its own layout: with augmentation the trainer encodes a fresh variant of the
/// corpus per epoch, a little longer or shorter than the last (a stretch changes lengths), and
/// `startEpoch(pairs:)` lays the streams out for it. An epoch is one pass over its own corpus,
/// so `chunksPerEpoch` is that of the current epoch.
public struct Batcher: Sendable, Codable, Equatable {
  public let batchSize: Int
  public let seqLength: Int
  /// What one step is ("char"), for messages.
  public let unit: String
  public private(set) var streamLength: Int
  public private(set) var chunksPerEpoch: Int
  /// The next chunk to read, counted from the start of training (the data cursor).
  public var position: Int = 0
  /// The epoch the cursor is in (0 for the first).
  public var epoch: Int = 0
  /// The cursor at the first chunk of the current epoch.
  public var epochStart: Int = 0

  /// - Parameter unit: what one step is, for the message when the corpus is too small ("char").
  public init(pairs: Int, batchSize: Int, seqLength: Int, unit: String = "step") throws(EngineError) {
    self.batchSize = batchSize
    self.seqLength = seqLength
    self.unit = unit
    streamLength = pairs / batchSize
    chunksPerEpoch = streamLength / seqLength
    guard chunksPerEpoch >= 1 else {
      throw .corpusTooSmall(
        "the training corpus has \(pairs.formatted()) \(unit)\(pairs == 1 ? "" : "s"), fewer than one batch of `batchSize` × `seqLength` = \(batchSize) × \(seqLength) = \((batchSize * seqLength).formatted()) \(unit)s; use a smaller `batchSize` or `seqLength`, or more data"
      )
    }
  }

  /// Whether every whole chunk of the current epoch has been read.
  public var epochIsOver: Bool { position - epochStart >= chunksPerEpoch }

  /// Epochs done, with the fraction of the current one (for logs).
  public var epochProgress: Double { Double(epoch) + Double(position - epochStart) / Double(chunksPerEpoch) }

  /// Starts the next epoch at the cursor, laid out for a corpus of `pairs`.
  public mutating func startEpoch(pairs: Int) throws(EngineError) {
    let layout = try Batcher(pairs: pairs, batchSize: batchSize, seqLength: seqLength, unit: unit)
    streamLength = layout.streamLength
    chunksPerEpoch = layout.chunksPerEpoch
    epoch += 1
    epochStart = position
  }

  /// Fills `chunk` with the chunk at the cursor and advances it; at the end of an epoch not
  /// started with `startEpoch`, the next one walks the same corpus again.
  ///
  /// - Parameter streams: the streams to fill (one process's share in data-parallel
  ///   training), as a (T, streams.count) chunk; all of them by default. The layout depends on
  ///   `batchSize` alone, so any split of the streams reads the same data.
  public mutating func next<Target>(
    from corpus: EncodedCorpus<Target>, into chunk: Chunk<Target>, streams: Range<Int>? = nil
  ) {
    if epochIsOver {
      epoch += 1
      epochStart = position
    }
    precondition(streamLength * batchSize <= corpus.count, "the corpus changed without startEpoch(pairs:)")
    let streams = streams ?? 0..<batchSize
    precondition(streams.lowerBound >= 0 && streams.upperBound <= batchSize, "streams outside the batch")
    let k = position - epochStart
    let width = streams.count
    chunk.setShape(steps: seqLength, batch: width)
    corpus.attach(chunk)
    for t in 0..<seqLength {
      for (j, b) in streams.enumerated() {
        corpus.fill(
          chunk, row: t * width + j, pair: b * streamLength + k * seqLength + t, forceReset: k == 0 && t == 0)
      }
    }
    position += 1
  }

  /// Visits a whole corpus once for evaluation: up to `batchSize` streams of equal length
  /// (the last padded), chunks of up to `seqLength` steps, the state carried throughout.
  ///
  /// - Parameter only: the streams to visit (one process's share when the processes of a
  ///   parallel job split validation); all of them by default.
  public static func evaluationChunks<Target>(
    _ corpus: EncodedCorpus<Target>, batchSize: Int, seqLength: Int, into chunk: Chunk<Target>,
    only: Range<Int>? = nil, _ body: (Chunk<Target>) throws -> Void
  ) rethrows {
    let n = corpus.count
    guard n > 0 else { return }
    let streams = evaluationStreams(pairs: n, batchSize: batchSize, seqLength: seqLength)
    let visited = only ?? 0..<streams
    guard !visited.isEmpty else { return }
    let width = visited.count
    let length = (n + streams - 1) / streams
    corpus.attach(chunk)
    var start = 0
    while start < length {
      let steps = min(seqLength, length - start)
      chunk.setShape(steps: steps, batch: width)
      for t in 0..<steps {
        for (j, b) in visited.enumerated() {
          let p = b * length + start + t
          if p < min(n, (b + 1) * length) {
            corpus.fill(chunk, row: t * width + j, pair: p, forceReset: start == 0 && t == 0)
          } else {
            corpus.pad(chunk, row: t * width + j)
          }
        }
      }
      try body(chunk)
      start += steps
    }
  }

  /// Streams used by `evaluationChunks` for a corpus of `pairs`.
  public static func evaluationStreams(pairs: Int, batchSize: Int, seqLength: Int) -> Int {
    max(1, min(batchSize, pairs / seqLength))
  }
}
