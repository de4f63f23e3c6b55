import Foundation

/// What training reports as it goes; the CLI decides how to show it.
public enum TrainingEvent {
  case log(MetricsRecord, totalSteps: Int)
  case checkpoint(step: Int, best: Bool)
  case rejected(step: Int, reason: String)
}

/// Stateful truncated-BPTT training of one domain's model, with validation, checkpoints and
/// exact resume.
///
/// Everything that decides the next step (weights, Adam moments, the carried LSTM state, the
/// data cursor and epoch, the dropout generator) is saved in each checkpoint, so a run stopped
/// at step N and resumed to N + M ends bit-identical to one that ran N + M steps straight.
///
/// When the domain augments (`SequenceDomain.augments`), every epoch trains on fresh variants
/// of the training parts, re-encoded at the epoch's start from the untouched sequences with
/// seeds drawn from the run's seed and the epoch; validation is never augmented.
public final class Trainer<D: SequenceDomain> {
  public let domain: D
  public let codec: D.Codec
  public let options: TrainingOptions
  public let run: RunDirectory
  public let totalSteps: Int
  public private(set) var manifest: Manifest
  public let model: Model<D.Head>
  /// The training corpus of the current epoch.
  var train: EncodedCorpus<D.Head.Target>
  /// The training part of every sequence, kept when the domain augments so each epoch can be
  /// encoded afresh; nil otherwise (the corpus is then encoded once).
  let augmentationSources: [SourceSequence<D.Step>]?
  let validation: EncodedCorpus<D.Head.Target>
  /// The files held out whole (`ValidationSplit.files`); empty for a tail split.
  public let heldOutFiles: [String]
  /// The corpus as this run splits it: domain reports (baselines, units) use it instead of
  /// reading and splitting again.
  public let split: CorpusSplit<D.Step>
  var batcher: Batcher
  let adam: Adam
  let state: RecurrentState
  let chunk: Chunk<D.Head.Target>
  var rng: SeededGenerator
  /// The metrics log, written by process 0 alone.
  let metrics: MetricsLog?
  /// Held for the trainer's lifetime: no second training can write this run meanwhile (by
  /// process 0 alone, which writes it).
  let lock: RunLock?
  /// The processes training together; `SingleProcess` for a plain run.
  public let collective: any Collective
  /// This process's share of the batch's streams (all of them for a single process).
  public let streams: Range<Int>
  /// Consecutive non-finite steps after which training stops.
  public var maxRejectedSteps = 5

  /// Prepares a new run in an empty `run` directory, or resumes the one there.
  ///
  /// Three stages: opening the run (its lock, and the checkpoint to resume), preparing the
  /// corpus (the split, the codec, the encoded parts), and then either restoring the saved
  /// state or initialising a new one.
  ///
  /// With several processes (`collective`), process 0 alone opens, locks and writes the run
  /// directory and sends the checkpoint it resumes to the others; every process reads the
  /// corpus itself and trains its share of the batch's streams. Each stage ends with the
  /// processes agreeing that it worked, so a failure anywhere stops all of them before training.
  ///
  /// - Parameters:
  ///   - sequences: the corpus as the domain read it.
  ///   - options: the settings of a new run; on resume only `steps`/`epochs`,
  ///     `checkpointEvery` and `logEvery` are taken from here, the rest from the manifest.
  public init(
    domain: D, sequences: [SourceSequence<D.Step>], dataPaths: [String], options newOptions: TrainingOptions,
    run: RunDirectory, resume: Bool, collective: any Collective = SingleProcess()
  ) throws {
    self.domain = domain
    self.run = run
    self.collective = collective
    let leader = collective.rank == 0
    // Take the run's lock before looking at it; if setting up fails, leave no new empty folder.
    let existed = FileManager.default.fileExists(atPath: run.url.path)
    var ready = false
    defer {
      if leader && !ready && !existed { try? FileManager.default.removeItem(at: run.url) }
    }
    var resumed: RunDirectory.Checkpoint?
    (lock, resumed) = try collective.agree {
      try newOptions.validate()
      guard leader else { return (nil, nil) }
      if resume {
        guard run.exists else { throw EngineError.notARun(path: run.url.path) }
      } else {
        try run.create()
      }
      return (try RunLock(run), try Self.checkpointToResume(run, resume: resume))
    }
    if resume && !collective.isSingle {
      var bytes = try resumed.map { [UInt8](try Data(contentsOf: $0.url, options: .mappedIfSafe)) } ?? []
      try collective.broadcast(&bytes)
      resumed = try collective.agree {
        try resumed ?? RunDirectory.Checkpoint(decoding: Data(bytes), url: run.latestURL)
      }
    }
    let options = Self.options(newOptions, resuming: resumed?.manifest)
    self.options = options
    let B = options.batchSize
    streams = collective.streams(ofBatch: B)

    do {
      guard B % collective.size == 0 else {
        throw EngineError.invalidOption(
          name: "batchSize",
          reason:
            "is \(B), which \(collective.size) processes cannot share evenly; use a multiple of \(collective.size)")
      }
      let corpus = try Self.prepareCorpus(sequences, domain: domain, options: options, resumed: resumed)
      codec = corpus.codec
      split = corpus.split
      validation = corpus.validation
      heldOutFiles = corpus.heldOutFiles
      var batcher = try Batcher(pairs: corpus.plain.count, batchSize: B, seqLength: options.seqLength)
      totalSteps =
        options.steps ?? options.epochs.map { max(1, Int(($0 * Double(batcher.chunksPerEpoch)).rounded(.up))) }
        ?? TrainingOptions.defaultSteps

      let head = domain.makeHead(codec)
      let config = ModelConfig(
        input: domain.inputKind(codec), hiddenSize: options.hiddenSize, numLayers: options.numLayers,
        dropout: options.dropout, outputSize: head.outputSize, headParameters: head.parameterSpecs,
        condition: domain.conditionClasses(codec).map {
          ConditionConfig(classes: $0, mixtures: options.windowMixtures ?? TrainingOptions.defaultWindowMixtures)
        })
      let localBatch = streams.count
      model = Model(config: config, head: head, maxSteps: options.seqLength, batch: localBatch)
      adam = Adam(parameterCount: model.params.count, beta1: options.beta1, beta2: options.beta2, eps: options.eps)
      state = RecurrentState(config, batch: localBatch)
      chunk = Chunk(kind: config.input, capacity: options.seqLength * localBatch, conditioned: config.condition != nil)

      if let resumed {
        (manifest, rng) = try Self.restore(
          resumed, config: config, fingerprint: corpus.plain.fingerprint, totalSteps: totalSteps, options: options,
          model: model, adam: adam, state: state, streams: streams, batcher: &batcher)
      } else {
        var initRNG = SeededGenerator(seed: options.seed)
        model.initialize(rng: &initRNG)
        let classes = corpus.plain.conditionClasses.count
        if classes > 0 { model.paceWindow(stepsPerClass: Double(corpus.plain.count) / Double(classes)) }
        rng = SeededGenerator(seed: options.seed ^ 0x5EED_D809_0000_0001)
        manifest = Manifest(
          formatVersion: Manifest.currentFormatVersion, seqgenVersion: Manifest.seqgenVersion, domain: D.name,
          codec: Manifest.encodeCodec(codec), model: config, training: options,
          data: .init(
            paths: dataPaths, trainSteps: corpus.plain.count, validationSteps: validation.count,
            fingerprint: corpus.plain.fingerprint),
          progress: .init(
            step: 0, totalSteps: totalSteps, adamSteps: 0, cursor: 0, epoch: 0, rng: [], trainLoss: nil,
            validationLoss: nil, bestValidationLoss: nil, bestStep: nil, elapsedSeconds: 0))
      }
      manifest.progress.processes = collective.isSingle ? nil : collective.size
      augmentationSources = domain.augments(codec) ? split.train : nil
      if let augmentationSources {
        // The current epoch's variants, laid out for their own length, with the cursor kept.
        train = try EncodedCorpus(
          augmenting: augmentationSources, domain: domain, codec: codec, runSeed: options.seed, epoch: batcher.epoch)
        var layout = try Batcher(pairs: train.count, batchSize: B, seqLength: options.seqLength)
        (layout.position, layout.epoch, layout.epochStart) = (batcher.position, batcher.epoch, batcher.epochStart)
        batcher = layout
      } else {
        train = corpus.plain
      }
      self.batcher = batcher
      metrics = try leader ? MetricsLog(url: run.metricsURL, resumeAt: resumed?.manifest.progress.step) : nil
    } catch {
      throw try collective.failing(error)
    }
    try collective.succeed()
    try checkSameCorpus()
    ready = true
  }

  /// Stops every process, naming the first (by rank) that read other data than rank 0: each must
  /// read the same files, or the model would silently train on a mixture.
  private func checkSameCorpus() throws {
    guard !collective.isSingle else { return }
    let seen = try collective.gather("\(manifest.data.fingerprint) \(collective.host)").map {
      $0.split(separator: " ")
    }
    guard let other = seen.firstIndex(where: { $0.first != seen[0].first }) else { return }
    throw EngineError.processesDisagree(
      "rank \(other) on \(seen[other].last ?? "?") read other training data than rank 0 on \(seen[0].last ?? "?") (corpus fingerprint \(seen[other].first ?? "?") against \(seen[0].first ?? "?")); every process needs the same files"
    )
  }

  // MARK: Opening the run

  /// The latest checkpoint of `run` when resuming (it must hold this domain's model); for a new
  /// run, nil, and the folder must be empty.
  private static func checkpointToResume(_ run: RunDirectory, resume: Bool) throws -> RunDirectory.Checkpoint? {
    guard resume else {
      if run.exists {
        throw EngineError.invalidArgument(
          "\(run.url.path) already holds a run; pass `resume` to continue it, or choose another `out`")
      }
      return nil
    }
    let checkpoint = try run.checkpoint(.latest)
    guard checkpoint.manifest.domain == D.name else {
      throw EngineError.badCheckpoint(
        path: run.url.path, reason: "holds a \(checkpoint.manifest.domain) model, not \(D.name)")
    }
    return checkpoint
  }

  /// A new run's options (the domain's validation split unless chosen), or a resumed run's own
  /// with only the length and the logging rhythm taken from `new`.
  private static func options(_ new: TrainingOptions, resuming manifest: Manifest?) -> TrainingOptions {
    guard var options = manifest?.training else { return new.forNewRun(of: D.self) }
    options.steps = new.steps
    options.epochs = new.epochs
    options.checkpointEvery = new.checkpointEvery
    options.logEvery = new.logEvery
    return options
  }

  // MARK: Preparing the corpus

  /// The corpus split as the options say, the codec (learnt, or the resumed run's), the
  /// encoded training part as read and the encoded validation part.
  private struct PreparedCorpus {
    var split: CorpusSplit<D.Step>
    var codec: D.Codec
    /// The training part as read: its fingerprint and its epoch length (for `epochs`) stand for
    /// the run even when each epoch trains on augmented variants of different lengths.
    var plain: EncodedCorpus<D.Head.Target>
    var validation: EncodedCorpus<D.Head.Target>
    var heldOutFiles: [String]
  }

  private static func prepareCorpus(
    _ sequences: [SourceSequence<D.Step>], domain: D, options: TrainingOptions, resumed: RunDirectory.Checkpoint?
  ) throws -> PreparedCorpus {
    let (train, validation) = options.split(sequences)
    let codec =
      try resumed.map { try $0.manifest.codec(as: D.Codec.self, path: $0.url.path) } ?? domain.makeCodec(for: sequences)
    let plain = try EncodedCorpus<D.Head.Target>(train, domain: domain, codec: codec)
    guard plain.count > 0 else { throw EngineError.corpusTooSmall("the corpus has no steps to train on") }
    let heldOut = Set(train.map(\.source)).isDisjoint(with: validation.map(\.source)) ? validation.map(\.source) : []
    return PreparedCorpus(
      split: CorpusSplit(train: train, validation: validation), codec: codec, plain: plain,
      validation: try EncodedCorpus(validation, domain: domain, codec: codec), heldOutFiles: heldOut)
  }

  // MARK: Restoring state

  /// Loads weights, Adam moments, the carried state, the data cursor and the dropout generator
  /// of a resumed run, after checking that it matches this model and data.
  private static func restore(
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

  public var step: Int { manifest.progress.step }
  public var chunksPerEpoch: Int { batcher.chunksPerEpoch }
  public var trainingSteps: Int { train.count }
  public var validationSteps: Int { validation.count }

  /// Trains until `totalSteps`, checkpointing every `checkpointEvery` steps and at the end.
  public func run(_ onEvent: (TrainingEvent) -> Void = { _ in }) throws {
    let rows = options.seqLength * options.batchSize
    var sumLoss = 0.0
    var sumNorm = 0.0
    var logged = 0
    var rejectedInARow = 0
    var clock = ContinuousClock.now
    let startElapsed = manifest.progress.elapsedSeconds
    let start = ContinuousClock.now
    var stepsSinceLog = 0

    while manifest.progress.step < totalSteps {
      let step = manifest.progress.step
      let result = try trainStep()
      stepsSinceLog += 1
      guard let (loss, norm) = result.accepted else {
        rejectedInARow += 1
        onEvent(.rejected(step: step + 1, reason: result.reason))
        if rejectedInARow >= maxRejectedSteps {
          throw EngineError.diverged(step: step + 1, reason: "\(rejectedInARow) steps in a row had a \(result.reason)")
        }
        continue
      }
      rejectedInARow = 0
      sumLoss += loss
      sumNorm += norm
      logged += 1

      let done = manifest.progress.step
      let checkpointNow = done % options.checkpointEvery == 0 || done == totalSteps
      if done % options.logEvery == 0 || checkpointNow {
        let now = ContinuousClock.now
        let seconds = (now - clock).seconds
        clock = now
        var record = MetricsRecord(
          step: done, epoch: batcher.epochProgress,
          learningRate: Double(options.learningRate(at: step)), trainLoss: sumLoss / Double(max(logged, 1)),
          trainBits: sumLoss / Double(max(logged, 1)) / M_LN2, validationLoss: nil, validationBits: nil,
          gradNorm: sumNorm / Double(max(logged, 1)), stepsPerSecond: Double(stepsSinceLog) / seconds,
          itemsPerSecond: Double(stepsSinceLog * rows) / seconds,
          elapsedSeconds: startElapsed + (now - start).seconds,
          reduceMsPerStep: collective.isSingle ? nil : 1000 * reduceTime.seconds / Double(max(stepsSinceLog, 1)))
        reduceTime = .zero
        manifest.progress.trainLoss = record.trainLoss
        if checkpointNow, validation.count > 0 {
          let v = try evaluateTogether(validation)
          record.validationLoss = v.natsPerStep
          record.validationBits = v.bitsPerStep
          manifest.progress.validationLoss = v.natsPerStep
        }
        manifest.progress.elapsedSeconds = record.elapsedSeconds
        try metrics?.append(record)
        onEvent(.log(record, totalSteps: totalSteps))
        sumLoss = 0
        sumNorm = 0
        logged = 0
        stepsSinceLog = 0
        clock = ContinuousClock.now
      }
      if checkpointNow {
        let improved = try saveCheckpoint()
        onEvent(.checkpoint(step: done, best: improved))
        clock = ContinuousClock.now
      }
    }
  }

  /// The outcome of one training step.
  public struct StepResult {
    /// Mean loss (nats per step) and gradient norm before clipping, or nil if rejected.
    public var accepted: (loss: Double, gradNorm: Double)?
    public var reason: String
  }

  /// One optimizer step on the next chunk. A step whose loss, gradient or state is not finite
  /// is rejected: the weights and Adam moments stay as they were and the carried state is zeroed.
  /// At an epoch's end an augmenting run first encodes the next epoch's variants, which throws
  /// if they are shorter than one batch.
  ///
  /// With several processes each runs its streams, the gradients are summed over the flat
  /// buffer (one reduction), and every process takes the same decision and the same Adam step
  /// from the same summed gradient: the clipping norm and the non-finite guard see the whole batch.
  public func trainStep() throws -> StepResult {
    let T = options.seqLength
    let B = streams.count
    let rows = T * B
    let together = !collective.isSingle
    let step = manifest.progress.step
    if let augmentationSources, batcher.epochIsOver {
      train = try EncodedCorpus(
        augmenting: augmentationSources, domain: domain, codec: codec, runSeed: options.seed, epoch: batcher.epoch + 1)
      try batcher.startEpoch(pairs: train.count)
    }
    batcher.next(from: train, into: chunk, streams: streams)
    model.params.zeroGradients()
    model.forward(
      chunk.input, condition: chunk.condition, steps: T, batch: B, state: state, resets: chunk.resets, training: true,
      rng: &rng,
      dropoutSlice: together ? (options.batchSize, streams.lowerBound) : nil)
    var count = chunk.targetCount
    var reduceStart = ContinuousClock.now
    if together {
      var global = [Double(count)]
      try collective.sum(&global)
      count = Int(global[0])
      reduceTime += ContinuousClock.now - reduceStart
    }
    count = max(count, 1)
    var nats = chunk.targets.withUnsafeBufferPointer {
      model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<rows]), scale: 1 / Float(count), gradient: true)
    }
    model.backward(steps: T, batch: B, resets: chunk.resets)
    if injectNaNGradient { model.params.gradients[0] = .nan }
    var stateIsFinite = state.isFinite
    if together {
      reduceStart = ContinuousClock.now
      try collective.sum(model.params.gradients.pointer, count: model.params.count)
      var sums = [nats, stateIsFinite ? 0 : 1]
      try collective.sum(&sums)
      nats = sums[0]
      stateIsFinite = sums[1] == 0
      reduceTime += ContinuousClock.now - reduceStart
    }
    let norm = model.params.gradientNorm()
    let loss = nats / Double(count)
    manifest.progress.step += 1
    guard loss.isFinite, norm.isFinite, stateIsFinite else {
      state.zero()
      return StepResult(accepted: nil, reason: "non-finite \(loss.isFinite ? "gradient" : "loss")")
    }
    if options.gradClip > 0 { Adam.clipGradients(model.params, maxNorm: options.gradClip) }
    adam.step(model.params, learningRate: options.learningRate(at: step))
    return StepResult(accepted: (loss, norm), reason: "")
  }

  /// Time spent in the per-step reductions since the last log line.
  private var reduceTime = Duration.zero

  /// Test hook: poison the gradient of every step, as an exploding loss would.
  var injectNaNGradient = false

  /// Validation (or any) loss with the current weights.
  public func evaluate(_ corpus: EncodedCorpus<D.Head.Target>) -> Loss {
    Evaluator(
      config: model.config, head: model.head, params: model.params, batchSize: options.batchSize,
      seqLength: options.seqLength
    )
    .evaluate(corpus)
  }

  public var validationLoss: Loss { evaluate(validation) }

  /// The loss over `corpus`, each process scoring its share of the streams.
  func evaluateTogether(_ corpus: EncodedCorpus<D.Head.Target>) throws -> Loss {
    try Evaluator(
      config: model.config, head: model.head, params: model.params, batchSize: options.batchSize,
      seqLength: options.seqLength
    )
    .evaluate(corpus, collective: collective)
  }

  /// The carried state of the whole batch as checkpoint tensors, (blocks, B, width) for each
  /// part of the state (`RecurrentState.parts`), assembled from every process's streams (on
  /// every process).
  func globalState() throws -> [(name: String, tensor: Safetensors.Tensor)] {
    let B = options.batchSize
    let local = streams.count
    return try state.parts.map { part, buffer, blocks, perLayer in
      let width = buffer.count / (blocks * local)
      let shape = perLayer ? [blocks, B, width] : [B, width]
      guard !collective.isSingle else { return ("trainer.state_\(part)", .init(shape: shape, values: buffer.array)) }
      let whole = FloatBuffer(count: blocks * B * width)
      for l in 0..<blocks {
        (whole.pointer + (l * B + streams.lowerBound) * width)
          .update(from: buffer.pointer + l * local * width, count: local * width)
      }
      try collective.sum(whole.pointer, count: whole.count)
      return ("trainer.state_\(part)", .init(shape: shape, values: whole.array))
    }
  }

  /// Writes best.safetensors if validation improved, then model.safetensors and manifest.json.
  /// Returns whether this was a new best.
  @discardableResult
  func saveCheckpoint() throws -> Bool {
    guard model.params.valuesAreFinite else {
      throw EngineError.diverged(
        step: manifest.progress.step, reason: "the weights became non-finite; nothing was saved")
    }
    manifest.progress.adamSteps = adam.stepCount
    manifest.progress.cursor = batcher.position
    manifest.progress.epoch = batcher.epochProgress
    manifest.progress.epochIndex = batcher.epoch
    manifest.progress.epochStart = batcher.epochStart
    manifest.progress.rng = rng.words.map { String($0, radix: 16) }
    var improved = false
    if let v = manifest.progress.validationLoss, v < (manifest.progress.bestValidationLoss ?? .infinity) {
      manifest.progress.bestValidationLoss = v
      manifest.progress.bestStep = manifest.progress.step
      improved = true
    }
    if !collective.isSingle {
      // Every process applied the same steps to the same sums; process 0's copy, which it saves,
      // replaces the others' so no last-bit difference of a reduction can ever accumulate.
      for buffer in [model.params.values, adam.expAvg, adam.expAvgSq] {
        try collective.broadcast(buffer.pointer, count: buffer.count)
      }
    }
    let extra = try globalState()
    guard collective.rank == 0 else { return improved }
    let weights = model.params.tensors(model.params.values)
    if improved { try run.save(manifest, tensors: weights, as: .best) }
    try run.save(
      manifest,
      tensors: weights + model.params.tensors(adam.expAvg, prefix: "optimizer.exp_avg.")
        + model.params.tensors(adam.expAvgSq, prefix: "optimizer.exp_avg_sq.") + extra,
      as: .latest)
    let svg = LossPlot.svg(metrics?.records ?? [], title: "\(D.name): loss per \(D.stepUnit)", unit: D.stepUnit)
    try AtomicFile.write(Data(svg.utf8), to: run.lossPlotURL)
    return improved
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
    for (i, r) in resets.enumerated() where r { mix(UInt64(i)) }
    return String(h, radix: 16)
  }
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
