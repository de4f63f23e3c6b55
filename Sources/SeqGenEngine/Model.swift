import Foundation

/// The sizes that define a model; saved in the manifest.
public struct ModelConfig: Codable, Sendable, Equatable {
  public var input: InputKind
  public var hiddenSize: Int
  public var numLayers: Int
  public var dropout: Float
  /// Width of the decoder output, the numbers the head reads per row.
  public var outputSize: Int
  /// The output head's own tensors (`OutputHead.parameterSpecs`), stored after the decoder.
  public var headParameters: [ParameterSpec]
  /// The condition a `WindowedLSTM` reads; nil for a plain LSTM stack (and in manifests saved
  /// before conditioning existed).
  public var condition: ConditionConfig?
  /// The learned table class inputs are read through; nil: one-hot input (and manifests saved
  /// before embeddings existed).
  public var embedding: EmbeddingConfig?
  /// The per-sequence labels the model reads (`LabelSource`), in input-column order: every
  /// step's input gains a one-hot of its sequence's label, so `weight_ih_l0` learns a gate
  /// offset per label (an embedding of the label folded into the first layer). nil: no labels
  /// (and manifests saved before labels existed).
  public var labels: [String]?
  /// Width of the domain's control rows (`SequenceDomain.controlWidth`), which follow the
  /// label's one-hot; nil: none.
  public var controls: Int?

  public init(
    input: InputKind, hiddenSize: Int, numLayers: Int, dropout: Float, outputSize: Int,
    headParameters: [ParameterSpec] = [], condition: ConditionConfig? = nil, embedding: EmbeddingConfig? = nil,
    labels: [String]? = nil, controls: Int? = nil
  ) {
    self.input = input
    self.hiddenSize = hiddenSize
    self.numLayers = numLayers
    self.dropout = dropout
    self.outputSize = outputSize
    self.headParameters = headParameters
    self.condition = condition
    self.embedding = embedding
    self.labels = labels
    self.controls = controls
  }

  /// Width of the rows every step reads beside its input: `labels`' one-hot, then the domain's
  /// `controls`.
  public var controlWidth: Int { (labels?.count ?? 0) + (controls ?? 0) }

  /// Width of what the first LSTM layer reads: the embedding's rows, or the input itself,
  /// followed by the control rows.
  public var inputSize: Int { (embedding?.size ?? input.width) + controlWidth }

  /// Width of the decoder's input: the top layer's h, or every layer's (skip connections) in a
  /// conditioned model.
  public var decoderInputSize: Int { condition == nil ? hiddenSize : numLayers * hiddenSize }

  /// Tensor names and shapes in checkpoint order (torch names).
  public var parameterSpecs: [ParameterSpec] {
    let stack =
      condition.map {
        WindowedLSTM.parameterSpecs(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, condition: $0)
      } ?? LSTM.parameterSpecs(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers)
    let encoder = embedding.map { Embedding.parameterSpecs(name: "encoder", classes: input.width, size: $0.size) } ?? []
    let decoder = Linear.parameterSpecs(name: "decoder", inputSize: decoderInputSize, outputSize: outputSize)
    return encoder + stack + (embedding?.tied == true ? decoder.filter { $0.name != "decoder.weight" } : decoder)
      + headParameters
  }

  public var parameterCount: Int { parameterSpecs.reduce(0) { $0 + $1.count } }

  /// Why this configuration cannot be built, in words naming the training options, or nil.
  public var problem: String? {
    guard let embedding else { return nil }
    guard (1...16384).contains(embedding.size) else {
      return "`embeddingSize` must be in 1...16384, got \(embedding.size)"
    }
    guard case .categorical = input else {
      return "`embeddingSize` and `tieWeights` need a domain whose steps are classes; this one's are dense rows"
    }
    guard condition == nil else { return "`embeddingSize` and `tieWeights` are not available on a conditioned model" }
    guard embedding.tied else { return nil }
    if embedding.size != decoderInputSize {
      return
        "`tieWeights` makes the decoder read the embedding, so `embeddingSize` must equal `hiddenSize` (\(decoderInputSize)), got \(embedding.size); leave `embeddingSize` out or make them equal"
    }
    if outputSize != input.width {
      return "`tieWeights` needs a head with one output per input class (\(input.width)), this one has \(outputSize)"
    }
    return nil
  }
}

/// A learned input table (`Embedding`) and whether the decoder shares it.
public struct EmbeddingConfig: Codable, Sendable, Equatable {
  /// Width of a row.
  public var size: Int
  /// The decoder's weight is the embedding (Press & Wolf 2017): one table for reading and
  /// writing a class, fewer parameters and usually a lower loss on word vocabularies. Needs
  /// `size` equal to the decoder's input width.
  public var tied: Bool

  public init(size: Int, tied: Bool = false) {
    self.size = size
    self.tied = tied
  }
}

/// LSTM stack → linear decoder → output head, over chunks of (T, B) steps.
///
/// Several models (a training one, an evaluation one with another batch, a generator) can
/// share one `ParameterStore`: the model owns only its activation buffers.
public final class Model<Head: OutputHead> {
  public let config: ModelConfig
  public let head: Head
  public let params: ParameterStore
  /// The recurrent part: a plain stack, or one that reads a condition.
  let stack: Stack
  enum Stack {
    case plain(LSTM)
    case windowed(WindowedLSTM)
  }
  let decoder: Linear
  /// The input table, when class inputs are embedded.
  let embedding: Embedding?
  /// (capacity, inputSize) the first layer's input of a model with control rows: the step's
  /// input (one-hot, embedded or dense) followed by its controls. Empty otherwise.
  let joined: FloatBuffer
  public let maxSteps: Int
  public let maxBatch: Int
  /// Gradient of the loss with respect to the decoder output, (T·B, outputSize).
  let dLogits: FloatBuffer
  /// Seconds spent in the decoder and the head's loss (forward and backward) since this model
  /// was made or the value reset: the share a large vocabulary costs, for benchmarks.
  public var decoderSeconds = 0.0

  /// - Parameter trainable: allocate the buffers `backward` needs; evaluation and generation
  ///   pass false and use about a third less memory.
  public init(
    config: ModelConfig, head: Head, params: ParameterStore? = nil, maxSteps: Int, batch: Int, trainable: Bool = true
  ) {
    precondition(
      head.outputSize == config.outputSize, "head reads \(head.outputSize) outputs, config has \(config.outputSize)")
    precondition(head.parameterSpecs == config.headParameters, "head parameters differ from the config's")
    self.config = config
    self.head = head
    self.params = params ?? ParameterStore(config.parameterSpecs)
    precondition(self.params.entries.map(\.name) == config.parameterSpecs.map(\.name), "parameter layout mismatch")
    precondition(config.problem == nil, config.problem ?? "")
    self.maxSteps = maxSteps
    maxBatch = batch
    let capacity = maxSteps * batch
    let params = self.params
    embedding = config.embedding.map {
      Embedding(params: params, name: "encoder", classes: config.input.width, size: $0.size, capacity: capacity)
    }
    if let condition = config.condition {
      stack = .windowed(
        WindowedLSTM(
          params: self.params, inputSize: config.inputSize, hiddenSize: config.hiddenSize,
          numLayers: config.numLayers, condition: condition, dropout: config.dropout, capacity: capacity,
          maxBatch: batch, trainable: trainable))
    } else {
      stack = .plain(
        LSTM(
          params: self.params, inputSize: config.inputSize, hiddenSize: config.hiddenSize,
          numLayers: config.numLayers, dropout: config.dropout, capacity: capacity, maxBatch: batch,
          trainable: trainable))
    }
    decoder = Linear(
      params: self.params, name: "decoder", weight: config.embedding?.tied == true ? "encoder.weight" : nil,
      inputSize: config.decoderInputSize, outputSize: config.outputSize, capacity: capacity, trainable: trainable)
    dLogits = FloatBuffer(count: trainable ? capacity * config.outputSize : 0)
    joined = FloatBuffer(count: config.controlWidth > 0 ? capacity * config.inputSize : 0)
  }

  /// torch's default initialisation: U(−1/√H, 1/√H) for the LSTM and, since the decoder's
  /// fan-in is H too, for the decoder; the head initialises its own tensors. An embedding (and
  /// so a decoder tied to it) starts at U(−0.1, 0.1) as PyTorch's word_language_model does:
  /// torch's own N(0, 1) would make a tied decoder's first logits spread over ±√H.
  public func initialize(rng: inout SeededGenerator) {
    let bound = 1 / Float(config.hiddenSize).squareRoot()
    let p = params.values.pointer
    let encoder = config.embedding == nil ? 0..<0 : params.entry("encoder.weight").range
    for i in 0..<headOffset { p[i] = (rng.nextFloat() * 2 - 1) * (encoder.contains(i) ? 0.1 : bound) }
    head.initialize(headParameters, rng: &rng)
  }

  /// Sets the window's κ̂ bias so that a new conditioned model starts by moving its window one
  /// class per `stepsPerClass` steps, the data's own pace: with the bias at 0 it would move one
  /// class per step (exp 0) and leave a long condition behind before learning anything.
  public func paceWindow(stepsPerClass: Double) {
    guard let K = config.condition?.mixtures, stepsPerClass > 0, stepsPerClass.isFinite else { return }
    let bias = params.value("window.bias")
    for k in 0..<K { bias[2 * K + k] = Float(-Foundation.log(stepsPerClass)) }
  }

  /// Where the head's own tensors start in the flat buffers.
  var headOffset: Int { config.headParameters.first.map { params.entry($0.name).offset } ?? params.count }

  /// The head's block of the parameter buffers.
  public var headParameters: HeadParameters {
    HeadParameters(values: params.values.pointer + headOffset, gradients: params.gradients.pointer + headOffset)
  }

  /// The plain stack (a model without a condition).
  public var lstm: LSTM {
    guard case .plain(let lstm) = stack else { preconditionFailure("a conditioned model has no plain LSTM stack") }
    return lstm
  }

  /// The conditioned stack, or nil for a plain model.
  public var windowed: WindowedLSTM? {
    guard case .windowed(let stack) = stack else { return nil }
    return stack
  }

  /// Runs the chunk and returns the decoder output (T·B, outputSize); `dropoutSlice` as in
  /// `LSTM.forward`. A conditioned model needs the rows' `condition`, a model with control rows
  /// their `controls` (T·B, controlWidth).
  @discardableResult
  public func forward(
    _ input: LayerInput, condition: ConditionRows? = nil, controls: UnsafePointer<Float>? = nil, steps: Int,
    batch: Int, state: RecurrentState, resets: UnsafePointer<Bool>, training: Bool = false,
    rng: inout SeededGenerator, dropoutSlice: (batch: Int, first: Int)? = nil
  ) -> UnsafeMutablePointer<Float> {
    precondition(steps <= maxSteps && batch <= maxBatch, "chunk (\(steps), \(batch)) exceeds model capacity")
    var input = input
    if let embedding {
      guard case .indices(let indices) = input else { preconditionFailure("an embedding reads class indices") }
      input = .dense(embedding.forward(indices, rows: steps * batch))
    }
    if config.controlWidth > 0 {
      guard let controls else { preconditionFailure("a model with control rows run without them") }
      input = .dense(join(input, controls, rows: steps * batch))
    }
    let top: UnsafeMutablePointer<Float>
    switch stack {
    case .plain(let lstm):
      top = lstm.forward(
        input, steps: steps, batch: batch, state: state, resets: resets, training: training, rng: &rng,
        dropoutSlice: dropoutSlice)
    case .windowed(let windowed):
      guard let condition else { preconditionFailure("a conditioned model run without its condition") }
      top = windowed.forward(
        input, condition: condition, steps: steps, batch: batch, state: state, resets: resets, training: training,
        rng: &rng, dropoutSlice: dropoutSlice)
    }
    let start = ContinuousClock.now
    defer { decoderSeconds += (ContinuousClock.now - start) / .seconds(1) }
    return decoder.forward(top, rows: steps * batch)
  }

  /// The head's loss over the last forward's output; with `gradient`, fills `dLogits` scaled
  /// by `scale`. Returns nats summed over the rows that have a target.
  public func loss(targets: UnsafeBufferPointer<Head.Target?>, scale: Float = 1, gradient: Bool) -> Double {
    let start = ContinuousClock.now
    defer { decoderSeconds += (ContinuousClock.now - start) / .seconds(1) }
    let output = UnsafePointer(decoder.output.pointer)
    let width = config.outputSize
    precondition(!gradient || dLogits.count > 0, "a loss gradient from a model built without gradient buffers")
    let dOutput = gradient ? dLogits.pointer : nil
    let parameters = headParameters
    // A head with parameters of its own accumulates their gradients, so it runs on one thread.
    guard head.parameterSpecs.isEmpty else {
      return head.loss(output, targets: targets, scale: scale, dOutput: dOutput, parameters: parameters)
    }
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: 2)
    defer { sums.deallocate() }
    sums.initialize(repeating: 0, count: 2)
    Parallel.split(targets.count) { rows in
      sums[rows.lowerBound == 0 ? 0 : 1] = head.loss(
        output + rows.lowerBound * width, targets: UnsafeBufferPointer(rebasing: targets[rows]), scale: scale,
        dOutput: dOutput.map { $0 + rows.lowerBound * width }, parameters: parameters)
    }
    return sums[0] + sums[1]
  }

  /// Back-propagates `dLogits` through the decoder and the LSTM, accumulating gradients.
  public func backward(
    steps: Int, batch: Int, resets: UnsafePointer<Bool>, dState: RecurrentState? = nil, inputGradient: Bool = false
  ) {
    let start = ContinuousClock.now
    decoder.backward(dLogits.pointer, rows: steps * batch)
    decoderSeconds += (ContinuousClock.now - start) / .seconds(1)
    switch stack {
    case .plain(let lstm):
      lstm.backward(
        dOutput: decoder.dInput.pointer, steps: steps, batch: batch, resets: resets, dState: dState,
        inputGradient: inputGradient || embedding != nil)
      embedding?.backward(lstm.dInput, rows: steps * batch, stride: config.inputSize)
    case .windowed(let windowed):
      precondition(!inputGradient, "a conditioned model does not compute input gradients")
      windowed.backward(dOutput: decoder.dInput.pointer, steps: steps, batch: batch, resets: resets, dState: dState)
    }
  }

  /// Fills `joined` with each row's input (one-hot for class indices) followed by its controls.
  private func join(_ input: LayerInput, _ controls: UnsafePointer<Float>, rows: Int) -> UnsafePointer<Float> {
    let width = config.inputSize
    let C = config.controlWidth
    let x = joined.pointer
    for r in 0..<rows {
      let row = x + r * width
      switch input {
      case .indices(let indices):
        row.update(repeating: 0, count: width - C)
        row[Int(indices[r])] = 1
      case .dense(let dense):
        row.update(from: dense + r * (width - C), count: width - C)
      }
      (row + width - C).update(from: controls + r * C, count: C)
    }
    return UnsafePointer(x)
  }

  /// The decoder output of the last forward, (T·B, outputSize).
  public var output: UnsafePointer<Float> { UnsafePointer(decoder.output.pointer) }
}
