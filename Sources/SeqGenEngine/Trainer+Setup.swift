import Foundation

/// Setting a run up: its options, the corpus as it trains on it, and a resumed run's state.
extension Trainer {
  /// A new run's options (the domain's validation split unless chosen), or a resumed run's own
  /// with the settings a resume may change (`TrainingOptions.changeableOnResume`) taken from `new`.
  static func options(
    _ new: TrainingOptions, resuming manifest: Manifest?, domain: D, corpus: [SourceSequence<D.Step>]
  ) -> TrainingOptions {
    guard var options = manifest?.training else { return new.forNewRun(split: domain.validationSplit(for: corpus)) }
    options.steps = new.steps
    options.epochs = new.epochs
    options.learningRate = new.learningRate
    options.lrDecay = new.lrDecay
    options.lrDecayEvery = new.lrDecayEvery
    options.gradClip = new.gradClip
    options.checkpointEvery = new.checkpointEvery
    options.logEvery = new.logEvery
    return options
  }

  // MARK: Preparing the corpus

  /// The corpus split as the options say, the codec (learnt, or the resumed run's), the
  /// encoded training part as read and the encoded validation part.
  struct PreparedCorpus {
    var split: CorpusSplit<D.Step>
    var codec: D.Codec
    /// The training part as read: its fingerprint and its epoch length (for `epochs`) stand for
    /// the run even when each epoch trains on augmented variants of different lengths.
    var plain: EncodedCorpus<D.Head.Target>
    var validation: EncodedCorpus<D.Head.Target>
    var heldOutFiles: [String]
    /// The labels of the corpus's sequences, sorted (`ModelConfig.labels`); empty without them.
    var labels: [String]
  }

  static func prepareCorpus(
    _ sequences: [SourceSequence<D.Step>], domain: D, options: TrainingOptions, resumed: RunDirectory.Checkpoint?
  ) throws -> PreparedCorpus {
    let (read, heldOut) = options.split(sequences)
    let codec =
      try resumed.map { try $0.manifest.codec(as: D.Codec.self, path: $0.url.path) }
      ?? domain.makeCodec(for: CorpusSplit(train: read, validation: heldOut))
    let train = try domain.tokenized(read, codec: codec)
    let validation = try domain.tokenized(heldOut, codec: codec)
    let labels = Set(sequences.compactMap(\.label)).sorted()
    if let unlabelled = sequences.first(where: { $0.label == nil }), !labels.isEmpty {
      throw EngineError.badData(path: unlabelled.source, reason: "has no label, while other files have")
    }
    // Training leaves controls out at random (so the model also runs with them free);
    // validation reads them all.
    let plain = try EncodedCorpus<D.Head.Target>(
      train, domain: domain, codec: codec, labels: labels, leavingOutControls: options.seed)
    guard plain.count > 0 else { throw EngineError.corpusTooSmall("the corpus has no steps to train on") }
    let files = Set(train.map(\.source)).isDisjoint(with: validation.map(\.source)) ? validation.map(\.source) : []
    return PreparedCorpus(
      split: CorpusSplit(train: train, validation: validation), codec: codec, plain: plain,
      validation: try EncodedCorpus(validation, domain: domain, codec: codec, labels: labels), heldOutFiles: files,
      labels: labels)
  }

  // MARK: Restoring state

  /// Loads weights, Adam moments, the carried state, the data cursor and the dropout generator
  /// of a resumed run, after checking that it matches this model and data.
  static func restore(
    _ resumed: RunDirectory.Checkpoint, config: ModelConfig, fingerprint: String, totalSteps: Int,
    options: TrainingOptions,
    model: Model<D.Head>, adam: Adam, state: RecurrentState, streams: Range<Int>, batcher: inout Batcher
  ) throws -> (Manifest, SeededGenerator) {
    let m = resumed.manifest
    let path = resumed.url.path
    guard m.model == config else {
      throw EngineError.badCheckpoint(path: path, reason: "model configuration does not match its manifest")
    }
    guard m.data.fingerprint == fingerprint else {
      throw EngineError.invalidArgument(
        "the training data differs from the data this run was started on (\(m.data.paths.joined(separator: ", "))); resume needs the same files"
      )
    }
    guard totalSteps > m.progress.step else {
      throw EngineError.invalidArgument(
        "the run is already at step \(m.progress.step); pass `steps` greater than that to continue")
    }
    try model.params.load(model.params.values, from: resumed.tensors, path: path)
    try model.params.load(adam.expAvg, from: resumed.tensors, prefix: "optimizer.exp_avg.", path: path)
    try model.params.load(adam.expAvgSq, from: resumed.tensors, prefix: "optimizer.exp_avg_sq.", path: path)
    // The saved state is the whole batch's, (blocks, B, width); this process carries its
    // streams' rows.
    for (part, buffer, blocks, _) in state.parts {
      let name = "trainer.state_\(part)"
      let width = buffer.count / (blocks * streams.count)
      guard let t = resumed.tensors[name], t.values.count == blocks * options.batchSize * width else {
        throw EngineError.badCheckpoint(path: path, reason: "tensor \(name) is missing or has the wrong size")
      }
      for l in 0..<blocks {
        let from = (l * options.batchSize + streams.lowerBound) * width
        t.values.withUnsafeBufferPointer {
          (buffer.pointer + l * streams.count * width).update(
            from: $0.baseAddress! + from, count: streams.count * width)
        }
      }
    }
    adam.stepCount = m.progress.adamSteps
    batcher.position = m.progress.cursor
    batcher.epoch = m.progress.epochIndex ?? m.progress.cursor / batcher.chunksPerEpoch
    batcher.epochStart = m.progress.epochStart ?? batcher.epoch * batcher.chunksPerEpoch
    guard let words = Optional(m.progress.rng.compactMap { UInt64($0, radix: 16) }),
      let rng = SeededGenerator(words: words)
    else {
      throw EngineError.badCheckpoint(path: path, reason: "malformed generator state")
    }
    var manifest = m
    manifest.training = options
    manifest.progress.totalSteps = totalSteps
    return (manifest, rng)
  }
}

extension EncodedCorpus {
  /// FNV-1a over the encoded inputs and reset marks: detects changed data on resume.
  var fingerprint: String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ v: UInt64) {
      h ^= v
      h = h &* 0x100_0000_01b3
    }
    mix(UInt64(count))
    for i in indices { mix(UInt64(UInt32(bitPattern: i))) }
    for i in conditionClasses { mix(UInt64(UInt32(bitPattern: i))) }
    for i in conditionCount { mix(UInt64(UInt32(bitPattern: i))) }
    for f in dense { mix(UInt64(f.bitPattern)) }
    for l in labels { mix(UInt64(UInt32(bitPattern: l))) }
    for (i, r) in resets.enumerated() where r { mix(UInt64(i)) }
    return String(h, radix: 16)
  }
}
