import Foundation

/// One optimizer step.
extension Trainer {
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
        augmenting: augmentationSources, domain: domain, codec: codec, labels: model.config.labels ?? [],
        runSeed: options.seed, epoch: batcher.epoch + 1)
      try batcher.startEpoch(pairs: train.count)
    }
    batcher.next(from: train, into: chunk, streams: streams)
    model.params.zeroGradients()
    model.forward(
      chunk.input, condition: chunk.condition, controls: chunk.controlRows, steps: T, batch: B, state: state,
      resets: chunk.resets, training: true,
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
}
