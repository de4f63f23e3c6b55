/// A stack of LSTM layers with inverted dropout between them, as `torch.nn.LSTM(dropout:)`:
/// the output of every layer but the last is dropped (training only) before the next reads it.
public final class LSTM {
  public let inputSize: Int
  public let hiddenSize: Int
  public let numLayers: Int
  public let dropout: Float
  let layers: [LSTMLayer]
  /// Per layer above the first: the dropout mask (0 or 1/(1-p)) and the dropped input, (T·B, H).
  private let masks: [FloatBuffer]
  private let dropped: [FloatBuffer]
  private var droppedThisPass = false

  init(
    params: ParameterStore, inputSize: Int, hiddenSize: Int, numLayers: Int, dropout: Float, capacity: Int,
    maxBatch: Int,
    trainable: Bool = true
  ) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.numLayers = numLayers
    self.dropout = dropout
    layers = (0..<numLayers).map {
      LSTMLayer(
        params: params, layer: $0, inputSize: $0 == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize,
        capacity: capacity, maxBatch: maxBatch,
        trainable: trainable)
    }
    let dropCount = dropout > 0 && trainable ? capacity * hiddenSize : 0
    masks = (1..<max(numLayers, 1)).map { _ in FloatBuffer(count: dropCount) }
    dropped = (1..<max(numLayers, 1)).map { _ in FloatBuffer(count: dropCount) }
  }

  static func parameterSpecs(inputSize: Int, hiddenSize: Int, numLayers: Int) -> [ParameterSpec] {
    (0..<numLayers).flatMap {
      LSTMLayer.parameterSpecs(layer: $0, inputSize: $0 == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize)
    }
  }

  /// Runs the stack over a chunk.
  ///
  /// - Parameters:
  ///   - input: (T·B) indices or (T·B, inputSize) rows for the first layer.
  ///   - state: the carried (h, c), (L, B, H); replaced by the final state.
  ///   - resets: (T·B) flags; the state of stream b is zeroed before step t where set.
  ///   - dropoutSlice: when the chunk is streams `first..<first + B` of a wider batch of
  ///     `batch` streams (one process's share in data-parallel training), the dropout masks are
  ///     drawn for the whole batch and this slice used, so the processes together drop exactly
  ///     what one process training the whole batch would.
  /// - Returns: the top layer's output, (T·B, H), valid until the next forward.
  @discardableResult
  public func forward(
    _ input: LayerInput, steps: Int, batch: Int, state: RecurrentState, resets: UnsafePointer<Bool>,
    training: Bool, rng: inout SeededGenerator, dropoutSlice: (batch: Int, first: Int)? = nil
  ) -> UnsafeMutablePointer<Float> {
    precondition(state.batch == batch && state.numLayers == numLayers && state.hiddenSize == hiddenSize, "state shape")
    let H = hiddenSize
    let rows = steps * batch
    droppedThisPass = training && dropout > 0
    var current = input
    for (l, layer) in layers.enumerated() {
      layer.forward(
        current, steps: steps, batch: batch, state: state.h.pointer + l * batch * H, state.c.pointer + l * batch * H,
        resets: resets)
      guard l + 1 < numLayers else { break }
      if droppedThisPass {
        let mask = masks[l].pointer
        let out = dropped[l].pointer
        let h = layer.h.pointer
        let keep = 1 / (1 - dropout)
        if let slice = dropoutSlice {
          for t in 0..<steps {
            for global in 0..<slice.batch {
              let b = global - slice.first
              let mine = b >= 0 && b < batch
              for j in 0..<H {
                let m: Float = rng.nextFloat() < dropout ? 0 : keep
                guard mine else { continue }
                let k = (t * batch + b) * H + j
                mask[k] = m
                out[k] = h[k] * m
              }
            }
          }
        } else {
          for k in 0..<rows * H {
            mask[k] = rng.nextFloat() < dropout ? 0 : keep
            out[k] = h[k] * mask[k]
          }
        }
        current = .dense(out)
      } else {
        current = .dense(layer.h.pointer)
      }
    }
    return layers[numLayers - 1].h.pointer
  }

  /// Back-propagates the last forward pass, accumulating weight gradients.
  ///
  /// - Parameters:
  ///   - dOutput: gradient with respect to the top layer's output, (T·B, H).
  ///   - dState: gradient with respect to the final state on entry, with respect to the initial
  ///     state on exit; nil means zero (truncated BPTT).
  ///   - inputGradient: also compute the gradient with respect to a dense input (`dInput`).
  public func backward(
    dOutput: UnsafePointer<Float>, steps: Int, batch: Int, resets: UnsafePointer<Bool>,
    dState: RecurrentState? = nil, inputGradient: Bool = false
  ) {
    let H = hiddenSize
    let rows = steps * batch
    var d = dOutput
    for l in stride(from: numLayers - 1, through: 0, by: -1) {
      let layer = layers[l]
      let ds = dState.map { (h: $0.h.pointer + l * batch * H, c: $0.c.pointer + l * batch * H) }
      layer.backward(
        dOutput: d, steps: steps, batch: batch, resets: resets, dState: ds, inputGradient: l > 0 || inputGradient)
      guard l > 0 else { break }
      if droppedThisPass {
        let dIn = layer.dInput.pointer
        let mask = masks[l - 1].pointer
        for k in 0..<rows * H { dIn[k] *= mask[k] }
      }
      d = UnsafePointer(layer.dInput.pointer)
    }
  }

  /// Gradient with respect to the dense input of the last backward with `inputGradient`.
  public var dInput: UnsafePointer<Float> { UnsafePointer(layers[0].dInput.pointer) }
}

/// The (h, c) state of every layer for B streams, (L, B, H) each: carried from chunk to chunk.
/// A conditioned model (`WindowedLSTM`) also carries its window's position κ, (B, K), and its
/// last window vector w, (B, C); both are empty otherwise.
public final class RecurrentState {
  public let numLayers: Int
  public let batch: Int
  public let hiddenSize: Int
  public let h: FloatBuffer
  public let c: FloatBuffer
  public let kappa: FloatBuffer
  public let window: FloatBuffer

  public init(numLayers: Int, batch: Int, hiddenSize: Int, condition: ConditionConfig? = nil) {
    self.numLayers = numLayers
    self.batch = batch
    self.hiddenSize = hiddenSize
    h = FloatBuffer(count: numLayers * batch * hiddenSize)
    c = FloatBuffer(count: numLayers * batch * hiddenSize)
    kappa = FloatBuffer(count: batch * (condition?.mixtures ?? 0))
    window = FloatBuffer(count: batch * (condition?.classes ?? 0))
  }

  /// The state a model of `config` carries for `batch` streams.
  public convenience init(_ config: ModelConfig, batch: Int) {
    self.init(
      numLayers: config.numLayers, batch: batch, hiddenSize: config.hiddenSize, condition: config.condition)
  }

  /// The buffers in checkpoint order, each with the number of (B, width) blocks it holds:
  /// h and c one per layer (saved as (L, B, H)), κ and w one each (saved as (B, width)).
  var parts: [(name: String, buffer: FloatBuffer, blocks: Int, perLayer: Bool)] {
    var parts = [("h", h, numLayers, true), ("c", c, numLayers, true)]
    if kappa.count > 0 { parts += [("kappa", kappa, 1, false), ("window", window, 1, false)] }
    return parts
  }

  public func zero() {
    for part in parts { part.buffer.zero() }
  }

  public var isFinite: Bool {
    for part in parts {
      for i in 0..<part.buffer.count where !part.buffer[i].isFinite { return false }
    }
    return true
  }
}
