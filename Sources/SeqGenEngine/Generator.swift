/// Generates new sequences from a trained model: primes the state with the domain's seed
/// steps, then feeds each sample back in, one step at a time, `count` samples as one batch.
/// A head that reads the previous step (`OutputHead.readsPreviousStep`) is also handed the
/// target form of the step each stream has just fed in, the last prime step first.
public final class Generator<D: SequenceDomain> {
  public let domain: D
  public let codec: D.Codec
  public let config: ModelConfig
  let params: ParameterStore
  let head: D.Head

  /// Uses weights already in memory (shared, not copied).
  public init(domain: D, codec: D.Codec, config: ModelConfig, params: ParameterStore) {
    self.domain = domain
    self.codec = codec
    self.config = config
    self.params = params
    head = domain.makeHead(codec)
  }

  /// Rebuilds the model of a checkpoint.
  public convenience init(domain: D, checkpoint: RunDirectory.Checkpoint) throws(EngineError) {
    let m = checkpoint.manifest
    let path = checkpoint.url.path
    guard m.domain == D.name else {
      throw .badCheckpoint(path: path, reason: "holds a \(m.domain) model, not \(D.name)")
    }
    let codec = try m.codec(as: D.Codec.self, path: path)
    let head = domain.makeHead(codec)
    guard head.outputSize == m.model.outputSize, head.parameterSpecs == m.model.headParameters,
      domain.inputKind(codec) == m.model.input,
      domain.conditionClasses(codec) == m.model.condition?.classes
        && domain.controlWidth(codec) == m.model.controls ?? 0
    else {
      throw .badCheckpoint(path: path, reason: "codec and model sizes disagree")
    }
    let params = ParameterStore(m.model.parameterSpecs)
    try params.load(params.values, from: checkpoint.tensors, path: path)
    self.init(domain: domain.configured(for: codec), codec: codec, config: m.model, params: params)
  }

  /// Longest prime piece fed in one forward pass; longer primes go in pieces.
  static var primePiece: Int { 256 }

  /// Generates `count` samples of at most `length` steps each after `prime`.
  ///
  /// - Parameters:
  ///   - prime: at least one step; the state is conditioned on all of them.
  ///   - isComplete: a sample for which this returns true stops growing (e.g. enough strokes
  ///     or seconds); generation ends when every sample is complete or `length` is reached.
  ///   - onStep: called with (sample index, step) as each step is drawn, for streaming.
  ///   - cancellation: checked before every step; generation throws once it is cancelled.
  ///   - condition: the class sequence a conditioned model reads (prime and generation alike);
  ///     a sample is complete once the window has moved past its end (Graves' stop rule), or
  ///     at `length` steps.
  ///   - masked: output columns set to −∞ before every draw, so a categorical head never
  ///     draws those classes (a word model's `<unk>`).
  ///   - label: the label every sample is written in, for a model trained with labels
  ///     (`ModelConfig.labels`); nil reads no label (zeros), which the model never saw in
  ///     training.
  ///   - stepControls: for a model that reads the domain's controls, the row fed beside each
  ///     step (sample index, the step), called for every prime step of every sample and every
  ///     drawn step in order; nil leaves every control free (zeros).
  /// - Returns: the generated steps of each sample (without the prime).
  public func generate(
    prime: [D.Step], length: Int, count: Int, controls: SamplingControls, seed: UInt64,
    condition: [Int]? = nil, masked: [Int] = [], label: String? = nil,
    stepControls: ((Int, D.Step) throws -> [Float])? = nil, isComplete: ([D.Step]) -> Bool = { _ in false },
    onStep: (Int, D.Step) -> Void = { _, _ in }, cancellation: GenerationCancellation? = nil
  ) throws -> [[D.Step]] {
    precondition(!prime.isEmpty && count >= 1)
    precondition(masked.allSatisfy { $0 >= 0 && $0 < config.outputSize }, "masked column out of range")
    try head.check(controls)
    if let classes = config.condition?.classes {
      guard let condition, !condition.isEmpty else {
        throw EngineError.invalidArgument("this model writes a given condition; it needs a non-empty one")
      }
      precondition(condition.allSatisfy { $0 >= 0 && $0 < classes }, "condition class out of range")
    }
    let piece = min(prime.count, Self.primePiece)
    let model = Model(config: config, head: head, params: params, maxSteps: piece, batch: count, trainable: false)
    let state = RecurrentState(config, batch: count)
    let chunk = Chunk<D.Head.Target>(for: config, capacity: piece * count)
    if let condition { chunk.condition?.set(condition, rows: piece * count) }
    let labelIndex = try self.labelIndex(label)
    for r in 0..<(piece * count) where chunk.controlWidth > 0 {
      chunk.setLabel(row: r, labelIndex)
      chunk.setDomainControls(row: r, nil)
    }
    let domainControls = config.controls ?? 0
    var rng = SeededGenerator(seed: seed)

    /// Writes `step` as the input of row t·count + b.
    func setInput(_ step: D.Step, previous: D.Step?, t: Int, b: Int) throws {
      let r = t * count + b
      switch try domain.input(step, codec: codec) {
      case .index(let k): chunk.indices[r] = Int32(k)
      case .dense(let row):
        row.withUnsafeBufferPointer {
          (chunk.dense.pointer + r * row.count).update(from: $0.baseAddress!, count: row.count)
        }
      }
      chunk.resets[r] = previous.map { domain.resetsState(before: step, after: $0, codec: codec) } ?? true
      if domainControls > 0, let stepControls {
        let row = try stepControls(b, step)
        precondition(row.count == domainControls, "controls of \(row.count), the model reads \(domainControls)")
        row.withUnsafeBufferPointer { chunk.setDomainControls(row: r, $0.baseAddress!) }
      }
    }

    var start = 0
    var steps = 0
    while start < prime.count {
      try cancellation?.check()
      steps = min(piece, prime.count - start)
      for t in 0..<steps {
        for b in 0..<count {
          let i = start + t
          try setInput(prime[i], previous: i > 0 ? prime[i - 1] : nil, t: t, b: b)
        }
      }
      model.forward(
        chunk.input, condition: chunk.condition, controls: chunk.controlRows, steps: steps, batch: count, state: state,
        resets: chunk.resets,
        rng: &rng)
      start += steps
    }

    var samples = Array(repeating: [D.Step](), count: count)
    var complete = Array(repeating: false, count: count)
    var last = Array(repeating: prime[prime.count - 1], count: count)
    var outputRow = (steps - 1) * count
    for _ in 0..<length {
      try cancellation?.check()
      for b in 0..<count {
        let row = model.output + (outputRow + b) * config.outputSize
        for k in masked { UnsafeMutablePointer(mutating: row)[k] = -.infinity }
        let sample =
          head.readsPreviousStep
          ? head.sample(
            row, after: try domain.target(last[b], codec: codec), controls: controls, parameters: model.headParameters,
            rng: &rng)
          : head.sample(row, controls: controls, parameters: model.headParameters, rng: &rng)
        let step = domain.step(from: sample, codec: codec)
        if !complete[b] {
          samples[b].append(step)
          onStep(b, step)
          complete[b] = isComplete(samples[b]) || model.windowed?.hasPassedEnd(row: outputRow + b) == true
        }
        try setInput(step, previous: last[b], t: 0, b: b)
        last[b] = step
      }
      if !complete.contains(false) { break }
      model.forward(
        chunk.input, condition: chunk.condition, controls: chunk.controlRows, steps: 1, batch: count, state: state,
        resets: chunk.resets,
        rng: &rng)
      outputRow = 0
    }
    return samples
  }

  /// The index of `label` among the model's labels; nil for none. Throws, listing the labels,
  /// for a name the run does not have, or any name on a model trained without labels.
  public func labelIndex(_ label: String?) throws(EngineError) -> Int? {
    guard let label else { return nil }
    guard let labels = config.labels else {
      throw .invalidOption(name: "label", reason: "is given, but this run was trained without labels")
    }
    guard let index = labels.firstIndex(of: label) else {
      throw .invalidOption(
        name: "label", reason: "\"\(label)\" is not one of this run's labels: \(labels.joined(separator: ", "))")
    }
    return index
  }

  /// Loss of the model on other sequences, the state carried through each; a sequence of a
  /// labelled model reads its `label` (none when nil).
  public func evaluate(_ sequences: [SourceSequence<D.Step>], batchSize: Int, seqLength: Int) throws -> Loss {
    let corpus = try EncodedCorpus(sequences, domain: domain, codec: codec, labels: config.labels ?? [])
    return Evaluator(config: config, head: head, params: params, batchSize: batchSize, seqLength: seqLength).evaluate(
      corpus)
  }
}
