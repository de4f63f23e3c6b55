import Foundation

/// Validation and checkpoints.
extension Trainer {
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
    let unit = domain.stepUnit(of: codec)
    let svg = LossPlot.svg(metrics?.records ?? [], title: "\(D.name): loss per \(unit)", unit: unit)
    try AtomicFile.write(Data(svg.utf8), to: run.lossPlotURL)
    return improved
  }
}
