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
  public internal(set) var manifest: Manifest
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
  /// The run as opened (locked by process 0) for the trainer's lifetime: no second training
  /// can write it meanwhile.
  let opened: OpenedRun
  /// The processes training together; `SingleProcess` for a plain run.
  public let collective: any Collective
  /// This process's share of the batch's streams (all of them for a single process).
  public let streams: Range<Int>
  /// Consecutive non-finite steps after which training stops.
  public var maxRejectedSteps = 5

  /// Prepares a new run in an empty `run` directory, or resumes the one there: opens it
  /// (`OpenedRun`), then sets up as `init(domain:sequences:dataPaths:options:opened:collective:)`.
  public convenience init(
    domain: D, sequences: [SourceSequence<D.Step>], dataPaths: [String], options: TrainingOptions,
    run: RunDirectory, resume: Bool, collective: any Collective = SingleProcess()
  ) throws {
    try collective.agree { try options.validate() }
    let opened = try OpenedRun(run, domain: D.name, resume: resume, collective: collective)
    defer { opened.discard() }
    try self.init(
      domain: domain, sequences: sequences, dataPaths: dataPaths, options: options, opened: opened,
      collective: collective)
  }

  /// Sets up training in an opened run: a new one, or the resumed checkpoint's.
  ///
  /// Two stages: preparing the corpus (the split, the codec, the encoded parts), then either
  /// restoring the saved state or initialising a new one. With several processes (`collective`),
  /// every process reads the corpus itself and trains its share of the batch's streams; the
  /// stages end with the processes agreeing that they worked, so a failure anywhere stops all of
  /// them before training.
  ///
  /// - Parameters:
  ///   - sequences: the corpus as the domain read it.
  ///   - options: the settings of a new run; on resume only `steps`/`epochs`,
  ///     `checkpointEvery` and `logEvery` are taken from here, the rest from the manifest.
  public init(
    domain: D, sequences: [SourceSequence<D.Step>], dataPaths: [String], options newOptions: TrainingOptions,
    opened: OpenedRun, collective: any Collective = SingleProcess()
  ) throws {
    self.domain = domain
    self.run = opened.run
    self.opened = opened
    self.collective = collective
    let leader = collective.rank == 0
    let resumed = opened.checkpoint
    let options = Self.options(newOptions, resuming: resumed?.manifest, domain: domain, corpus: sequences)
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
      var batcher = try Batcher(
        pairs: corpus.plain.count, batchSize: B, seqLength: options.seqLength, unit: domain.stepUnit(of: codec))
      totalSteps =
        options.steps ?? options.epochs.map { max(1, Int(($0 * Double(batcher.chunksPerEpoch)).rounded(.up))) }
        ?? TrainingOptions.defaultSteps

      let head = domain.makeHead(codec)
      let config = ModelConfig(
        input: domain.inputKind(codec), hiddenSize: options.hiddenSize, numLayers: options.numLayers,
        dropout: options.dropout, outputSize: head.outputSize, headParameters: head.parameterSpecs,
        condition: domain.conditionClasses(codec).map {
          ConditionConfig(classes: $0, mixtures: options.windowMixtures ?? TrainingOptions.defaultWindowMixtures)
        }, embedding: options.embedding, labels: corpus.labels.isEmpty ? nil : corpus.labels,
        controls: domain.controlWidth(codec) > 0 ? domain.controlWidth(codec) : nil)
      if let problem = config.problem { throw EngineError.invalidArgument(problem) }
      let localBatch = streams.count
      model = Model(config: config, head: head, maxSteps: options.seqLength, batch: localBatch)
      adam = Adam(parameterCount: model.params.count, beta1: options.beta1, beta2: options.beta2, eps: options.eps)
      state = RecurrentState(config, batch: localBatch)
      chunk = Chunk(for: config, capacity: options.seqLength * localBatch)

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
          augmenting: augmentationSources, domain: domain, codec: codec, labels: corpus.labels, runSeed: options.seed,
          epoch: batcher.epoch)
        var layout = try Batcher(
          pairs: train.count, batchSize: B, seqLength: options.seqLength, unit: domain.stepUnit(of: codec))
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
    if leader {
      for (name, data) in domain.runFiles(codec) {
        try AtomicFile.write(data, to: run.url.appendingPathComponent(name))
      }
    }
    opened.keep()
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

  /// Time spent in the per-step reductions since the last log line.
  var reduceTime = Duration.zero

  /// Test hook: poison the gradient of every step, as an exploding loss would.
  var injectNaNGradient = false
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
