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

  public init(
    input: InputKind, hiddenSize: Int, numLayers: Int, dropout: Float, outputSize: Int,
    headParameters: [ParameterSpec] = []
  ) {
    self.input = input
    self.hiddenSize = hiddenSize
    self.numLayers = numLayers
    self.dropout = dropout
    self.outputSize = outputSize
    self.headParameters = headParameters
  }

  public var inputSize: Int { input.width }

  /// Tensor names and shapes in checkpoint order (torch names).
  public var parameterSpecs: [ParameterSpec] {
    LSTM.parameterSpecs(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers)
      + Linear.parameterSpecs(name: "decoder", inputSize: hiddenSize, outputSize: outputSize) + headParameters
  }

  public var parameterCount: Int { parameterSpecs.reduce(0) { $0 + $1.count } }
}

/// LSTM stack → linear decoder → output head, over chunks of (T, B) steps.
///
/// Several models (a training one, an evaluation one with another batch, a generator) can
/// share one `ParameterStore`: the model owns only its activation buffers.
public final class Model<Head: OutputHead> {
  public let config: ModelConfig
  public let head: Head
  public let params: ParameterStore
  public let lstm: LSTM
  let decoder: Linear
  public let maxSteps: Int
  public let maxBatch: Int
  /// Gradient of the loss with respect to the decoder output, (T·B, outputSize).
  let dLogits: FloatBuffer
  private var lastTop: UnsafeMutablePointer<Float>?

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
    self.maxSteps = maxSteps
    maxBatch = batch
    let capacity = maxSteps * batch
    lstm = LSTM(
      params: self.params, inputSize: config.inputSize, hiddenSize: config.hiddenSize,
      numLayers: config.numLayers, dropout: config.dropout, capacity: capacity, maxBatch: batch, trainable: trainable)
    decoder = Linear(
      params: self.params, name: "decoder", inputSize: config.hiddenSize, outputSize: config.outputSize,
      capacity: capacity,
      trainable: trainable)
    dLogits = FloatBuffer(count: trainable ? capacity * config.outputSize : 0)
  }

  /// torch's default initialisation: U(−1/√H, 1/√H) for the LSTM and, since the decoder's
  /// fan-in is H too, for the decoder; the head initialises its own tensors.
  public func initialize(rng: inout SeededGenerator) {
    let bound = 1 / Float(config.hiddenSize).squareRoot()
    let p = params.values.pointer
    for i in 0..<headOffset { p[i] = (rng.nextFloat() * 2 - 1) * bound }
    head.initialize(headParameters, rng: &rng)
  }

  /// Where the head's own tensors start in the flat buffers.
  var headOffset: Int { config.headParameters.first.map { params.entry($0.name).offset } ?? params.count }

  /// The head's block of the parameter buffers.
  public var headParameters: HeadParameters {
    HeadParameters(values: params.values.pointer + headOffset, gradients: params.gradients.pointer + headOffset)
  }

  /// Runs the chunk and returns the decoder output (T·B, outputSize); `dropoutSlice` as in
  /// `LSTM.forward`.
  @discardableResult
  public func forward(
    _ input: LayerInput, steps: Int, batch: Int, state: RecurrentState, resets: UnsafePointer<Bool>,
    training: Bool = false, rng: inout SeededGenerator, dropoutSlice: (batch: Int, first: Int)? = nil
  ) -> UnsafeMutablePointer<Float> {
    precondition(steps <= maxSteps && batch <= maxBatch, "chunk (\(steps), \(batch)) exceeds model capacity")
    let top = lstm.forward(
      input, steps: steps, batch: batch, state: state, resets: resets, training: training, rng: &rng,
      dropoutSlice: dropoutSlice)
    lastTop = top
    return decoder.forward(top, rows: steps * batch)
  }

  /// The head's loss over the last forward's output; with `gradient`, fills `dLogits` scaled
  /// by `scale`. Returns nats summed over the rows that have a target.
  public func loss(targets: UnsafeBufferPointer<Head.Target?>, scale: Float = 1, gradient: Bool) -> Double {
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
    decoder.backward(dLogits.pointer, rows: steps * batch)
    lstm.backward(
      dOutput: decoder.dInput.pointer, steps: steps, batch: batch, resets: resets, dState: dState,
      inputGradient: inputGradient)
  }

  /// The decoder output of the last forward, (T·B, outputSize).
  public var output: UnsafePointer<Float> { UnsafePointer(decoder.output.pointer) }
}
