/// Loss of a model over a whole corpus, the state carried through each stream, no dropout.
public struct Evaluator<Head: OutputHead> {
  public let config: ModelConfig
  public let head: Head
  public let params: ParameterStore
  public let batchSize: Int
  public let seqLength: Int

  public init(config: ModelConfig, head: Head, params: ParameterStore, batchSize: Int, seqLength: Int) {
    self.config = config
    self.head = head
    self.params = params
    self.batchSize = batchSize
    self.seqLength = seqLength
  }

  /// Summed loss in nats and the number of predicted steps.
  public func evaluate(_ corpus: EncodedCorpus<Head.Target>) -> Loss {
    evaluate(corpus, streams: nil)
  }

  /// The loss over the whole corpus, each process of `collective` scoring its share of the
  /// evaluation streams; the same on every process.
  public func evaluate(_ corpus: EncodedCorpus<Head.Target>, collective: any Collective) throws -> Loss {
    guard !collective.isSingle else { return evaluate(corpus) }
    let all = Batcher.evaluationStreams(pairs: corpus.count, batchSize: batchSize, seqLength: seqLength)
    let mine = evaluate(corpus, streams: collective.piece(collective.rank, of: all))
    var sums = [mine.nats, Double(mine.steps)]
    try collective.sum(&sums)
    return Loss(nats: sums[0], steps: Int(sums[1]))
  }

  private func evaluate(_ corpus: EncodedCorpus<Head.Target>, streams only: Range<Int>?) -> Loss {
    guard corpus.count > 0 else { return Loss(nats: 0, steps: 0) }
    let streams =
      only?.count ?? Batcher.evaluationStreams(pairs: corpus.count, batchSize: batchSize, seqLength: seqLength)
    guard streams > 0 else { return Loss(nats: 0, steps: 0) }
    let model = Model(config: config, head: head, params: params, maxSteps: seqLength, batch: streams, trainable: false)
    let state = RecurrentState(config, batch: streams)
    let chunk = Chunk<Head.Target>(for: config, capacity: seqLength * streams)
    var rng = SeededGenerator(seed: 0)
    var total = Loss(nats: 0, steps: 0)
    Batcher.evaluationChunks(corpus, batchSize: batchSize, seqLength: seqLength, into: chunk, only: only) { chunk in
      let rows = chunk.steps * chunk.batch
      model.forward(
        chunk.input, condition: chunk.condition, controls: chunk.controlRows, steps: chunk.steps, batch: chunk.batch,
        state: state,
        resets: chunk.resets, rng: &rng)
      total.nats += chunk.targets.withUnsafeBufferPointer {
        model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<rows]), gradient: false)
      }
      total.steps += chunk.targetCount
    }
    return total
  }
}

/// A summed loss over a number of predicted steps, reported per step in nats and bits.
public struct Loss: Sendable, Equatable {
  public var nats: Double
  public var steps: Int

  public init(nats: Double, steps: Int) {
    self.nats = nats
    self.steps = steps
  }

  public var natsPerStep: Double { steps > 0 ? nats / Double(steps) : .nan }
  public var bitsPerStep: Double { natsPerStep / 0.693_147_180_559_945_3 }
}
