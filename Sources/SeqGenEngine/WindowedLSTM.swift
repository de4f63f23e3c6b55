import LSTMMath

/// An LSTM stack that reads a condition sequence through Graves' attention window, with his
/// skip connections (2013, section 5):
///
///     h¹_t = LSTM₁([x_t, w_{t−1}], h¹_{t−1})
///     w_t  = window over the condition, placed by h¹_t          (AttentionWindow)
///     hˡ_t = LSTMₗ([x_t, hˡ⁻¹_t, w_t], hˡ_{t−1})                 l = 2 … L
///     out_t = [h¹_t, …, hᴸ_t]                                    (T·B, L·H), read by the decoder
///
/// Tensors (torch names): `lstm.weight_ih_l0` (4H, I + C), its x columns first;
/// `lstm.weight_ih_l{l}` (4H, I + H + C) in the order [x, hˡ⁻¹, w]; `lstm.weight_hh_l{l}`,
/// `lstm.bias_ih_l{l}`, `lstm.bias_hh_l{l}` as in `LSTMLayer`; `window.weight` (3K, H) and
/// `window.bias` (3K), rows α̂, β̂, κ̂.
///
/// The first layer and the window run together step by step, since w_{t−1} enters the first
/// layer's gates at t; the layers above see the whole chunk's input at once and are ordinary
/// `LSTMLayer`s. The carried state adds κ and the last w to every layer's (h, c)
/// (`RecurrentState.kappa`, `.window`); a reset zeroes them with the rest.
public final class WindowedLSTM {
  public let inputSize: Int
  public let hiddenSize: Int
  public let numLayers: Int
  public let classes: Int
  public let mixtures: Int
  public let dropout: Float
  let capacity: Int

  // The first layer.
  let weightIH, weightHH, biasIH, biasHH: UnsafeMutablePointer<Float>
  let dWeightIH, dWeightHH, dBiasIH, dBiasHH: UnsafeMutablePointer<Float>
  /// Gate activations and their pre-activation gradients, (T·B, 4H).
  let gates, dGates: FloatBuffer
  /// The state each step started from (zero after a reset), and what it produced, (T·B, H).
  let hPrev, cPrev, c, tanhC, h: FloatBuffer
  /// The window vector each step read (w_{t−1}) and the one it made (w_t), (T·B, C).
  let windowPrev, window: FloatBuffer

  // The window.
  let windowWeight, windowBias, dWindowWeight, dWindowBias: UnsafeMutablePointer<Float>
  /// α, β, κ of each step (T·B, 3K); κ of the step before (T·B, K); exp κ̂ (T·B, K).
  let windowActivations, kappaPrev, kappaStep: FloatBuffer
  /// ∂loss/∂(α̂, β̂, κ̂), (T·B, 3K).
  let dWindowParams: FloatBuffer

  /// The layers above the first, each reading [x, hˡ⁻¹, w] rows from its own input buffer.
  let upper: [LSTMLayer]
  let upperInput: [FloatBuffer]
  /// Dropout masks (0 or 1/(1−p)) over the hˡ⁻¹ part of each upper layer's input, (T·B, H).
  let masks: [FloatBuffer]
  private(set) var droppedThisPass = false
  /// [h¹ … hᴸ] per row, (T·B, L·H): the decoder's input.
  public let output: FloatBuffer
  /// Scratch for backward: a layer's output gradient (T·B, H); ∂loss/∂w from the upper layers
  /// (T·B, C); the carried gradients (B, H), (B, H), (B, C), (B, K).
  let dLayer, dWindowUpper, dh, dc, dWindowCarry, dKappaCarry: FloatBuffer
  private(set) var input: LayerInput?
  private(set) var condition: ConditionRows?

  init(
    params: ParameterStore, inputSize: Int, hiddenSize: Int, numLayers: Int, condition: ConditionConfig,
    dropout: Float, capacity: Int, maxBatch: Int, trainable: Bool
  ) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.numLayers = numLayers
    classes = condition.classes
    mixtures = condition.mixtures
    self.dropout = dropout
    self.capacity = capacity
    let (H, C, K) = (hiddenSize, classes, mixtures)
    let names = LSTMLayer.parameterNames(layer: 0)
    weightIH = params.value(names[0])
    weightHH = params.value(names[1])
    biasIH = params.value(names[2])
    biasHH = params.value(names[3])
    dWeightIH = params.gradient(names[0])
    dWeightHH = params.gradient(names[1])
    dBiasIH = params.gradient(names[2])
    dBiasHH = params.gradient(names[3])
    windowWeight = params.value("window.weight")
    windowBias = params.value("window.bias")
    dWindowWeight = params.gradient("window.weight")
    dWindowBias = params.gradient("window.bias")
    let backward = trainable ? 1 : 0
    gates = FloatBuffer(count: capacity * 4 * H)
    dGates = FloatBuffer(count: backward * capacity * 4 * H)
    hPrev = FloatBuffer(count: capacity * H)
    cPrev = FloatBuffer(count: capacity * H)
    c = FloatBuffer(count: capacity * H)
    tanhC = FloatBuffer(count: capacity * H)
    h = FloatBuffer(count: capacity * H)
    windowPrev = FloatBuffer(count: capacity * C)
    window = FloatBuffer(count: capacity * C)
    windowActivations = FloatBuffer(count: capacity * 3 * K)
    kappaPrev = FloatBuffer(count: capacity * K)
    kappaStep = FloatBuffer(count: capacity * K)
    dWindowParams = FloatBuffer(count: backward * capacity * 3 * K)
    let upperWidth = inputSize + H + C
    upper = (1..<max(numLayers, 1)).map {
      LSTMLayer(
        params: params, layer: $0, inputSize: upperWidth, hiddenSize: H, capacity: capacity, maxBatch: maxBatch,
        trainable: trainable)
    }
    upperInput = upper.map { _ in FloatBuffer(count: capacity * upperWidth) }
    masks = upper.map { _ in FloatBuffer(count: dropout > 0 && trainable ? capacity * H : 0) }
    output = FloatBuffer(count: capacity * numLayers * H)
    dLayer = FloatBuffer(count: backward * capacity * H)
    dWindowUpper = FloatBuffer(count: backward * capacity * C)
    dh = FloatBuffer(count: backward * maxBatch * H)
    dc = FloatBuffer(count: backward * maxBatch * H)
    dWindowCarry = FloatBuffer(count: backward * maxBatch * C)
    dKappaCarry = FloatBuffer(count: backward * maxBatch * K)
  }

  static func parameterSpecs(inputSize: Int, hiddenSize: Int, numLayers: Int, condition: ConditionConfig)
    -> [ParameterSpec]
  {
    let C = condition.classes
    var specs = LSTMLayer.parameterSpecs(layer: 0, inputSize: inputSize + C, hiddenSize: hiddenSize)
    specs += [
      ParameterSpec("window.weight", [3 * condition.mixtures, hiddenSize]),
      ParameterSpec("window.bias", [3 * condition.mixtures]),
    ]
    for l in 1..<max(numLayers, 1) {
      specs += LSTMLayer.parameterSpecs(layer: l, inputSize: inputSize + hiddenSize + C, hiddenSize: hiddenSize)
    }
    return specs
  }

  /// Runs the stack over a chunk.
  ///
  /// - Parameters:
  ///   - input: (T·B) indices or (T·B, I) rows.
  ///   - condition: the class span each row reads.
  ///   - state: the carried (h, c) of every layer, κ and w; replaced by the final state.
  ///   - resets, training, rng, dropoutSlice: as in `LSTM.forward`.
  /// - Returns: [h¹ … hᴸ] per row, (T·B, L·H), valid until the next forward.
  @discardableResult
  func forward(
    _ input: LayerInput, condition: ConditionRows, steps: Int, batch: Int, state: RecurrentState,
    resets: UnsafePointer<Bool>, training: Bool, rng: inout SeededGenerator,
    dropoutSlice: (batch: Int, first: Int)? = nil
  ) -> UnsafeMutablePointer<Float> {
    precondition(
      state.batch == batch && state.numLayers == numLayers && state.hiddenSize == hiddenSize
        && state.kappa.count == batch * mixtures && state.window.count == batch * classes, "state shape")
    precondition(steps * batch <= capacity, "chunk of \(steps * batch) rows exceeds capacity \(capacity)")
    self.input = input
    self.condition = condition
    let (H, L, I) = (hiddenSize, numLayers, inputSize)
    let rows = steps * batch
    firstLayerForward(input, condition: condition, steps: steps, batch: batch, state: state, resets: resets)
    droppedThisPass = training && dropout > 0
    let out = output.pointer
    var below = h.pointer
    for l in 0..<L {
      if l > 0 {
        let layer = upper[l - 1]
        let x = upperInput[l - 1].pointer
        let width = I + H + classes
        fillInput(x, input: input, rows: rows)
        for r in 0..<rows {
          (x + r * width + I).update(from: below + r * H, count: H)
          (x + r * width + I + H).update(from: window.pointer + r * classes, count: classes)
        }
        if droppedThisPass {
          let mask = masks[l - 1].pointer
          drawMask(mask, steps: steps, batch: batch, rng: &rng, slice: dropoutSlice)
          for r in 0..<rows { for j in 0..<H { x[r * width + I + j] *= mask[r * H + j] } }
        }
        layer.forward(
          .dense(x), steps: steps, batch: batch, state: state.h.pointer + l * batch * H,
          state.c.pointer + l * batch * H, resets: resets)
        below = layer.h.pointer
      }
      for r in 0..<rows { (out + (r * L + l) * H).update(from: below + r * H, count: H) }
    }
    return out
  }

  /// Writes the x part (the first I numbers) of every upper-layer input row: the dense row, or
  /// the one-hot row of the index.
  private func fillInput(_ x: UnsafeMutablePointer<Float>, input: LayerInput, rows: Int) {
    let I = inputSize
    let width = I + hiddenSize + classes
    for r in 0..<rows {
      let row = x + r * width
      switch input {
      case .dense(let d): row.update(from: d + r * I, count: I)
      case .indices(let idx):
        row.update(repeating: 0, count: I)
        row[Int(idx[r])] = 1
      }
    }
  }

  /// Inverted-dropout mask over (T·B, H), drawn for the whole batch when `slice` says this is a
  /// share of a wider one (as `LSTM.forward` does).
  private func drawMask(
    _ mask: UnsafeMutablePointer<Float>, steps: Int, batch: Int, rng: inout SeededGenerator,
    slice: (batch: Int, first: Int)?
  ) {
    let H = hiddenSize
    let keep = 1 / (1 - dropout)
    let slice = slice ?? (batch, 0)
    for t in 0..<steps {
      for global in 0..<slice.batch {
        let b = global - slice.first
        for j in 0..<H {
          let m: Float = rng.nextFloat() < dropout ? 0 : keep
          if b >= 0 && b < batch { mask[(t * batch + b) * H + j] = m }
        }
      }
    }
  }

  /// The first layer and the window, step by step; each thread runs half the streams.
  private func firstLayerForward(
    _ input: LayerInput, condition: ConditionRows, steps: Int, batch: Int, state: RecurrentState,
    resets: UnsafePointer<Bool>
  ) {
    let (I, H, C, K) = (inputSize, hiddenSize, classes, mixtures)
    let G = 4 * H
    let W = I + C
    let rows = steps * batch
    let (gates, hPrev, cPrev, c, tanhC, h) = (
      gates.pointer, hPrev.pointer, cPrev.pointer, c.pointer, tanhC.pointer, h.pointer
    )
    let (windowPrev, window, act, kappaPrev, kappaStep) = (
      windowPrev.pointer, window.pointer, windowActivations.pointer, kappaPrev.pointer, kappaStep.pointer
    )
    let (weightIH, weightHH, biasIH, biasHH, windowWeight, windowBias) = (
      weightIH, weightHH, biasIH, biasHH, windowWeight, windowBias
    )
    // The x part of the gates for the whole chunk, plus both biases.
    Parallel.split(rows) { part in
      switch input {
      case .dense(let x):
        BLAS.gemm(
          transB: true, m: part.count, n: G, k: I, a: x + part.lowerBound * I, lda: I, b: weightIH, ldb: W,
          c: gates + part.lowerBound * G, ldc: G)
      case .indices(let idx):
        for r in part {
          let k = Int(idx[r])
          for j in 0..<G { gates[r * G + j] = weightIH[j * W + k] }
        }
      }
      for r in part { for j in 0..<G { gates[r * G + j] += biasIH[j] + biasHH[j] } }
    }
    let (h0, c0, kappa0, window0) = (state.h.pointer, state.c.pointer, state.kappa.pointer, state.window.pointer)
    // The window's position κ is read from the last third of each row's window activations.
    let carry = [
      RecurrentStep.Part(previous: hPrev, width: H, initial: h0, output: h, stride: H),
      RecurrentStep.Part(previous: cPrev, width: H, initial: c0, output: c, stride: H),
      RecurrentStep.Part(previous: windowPrev, width: C, initial: window0, output: window, stride: C),
      RecurrentStep.Part(previous: kappaPrev, width: K, initial: kappa0, output: act, stride: 3 * K, offset: 2 * K),
    ]
    condition.classes.withUnsafeBufferPointer { classes in
      Parallel.split(batch) { streams in
        let b0 = streams.lowerBound
        let n = streams.count
        for t in 0..<steps {
          let base = t * batch
          RecurrentStep.enter(step: t, batch: batch, streams: streams, resets: resets, carry)
          let first = base + b0
          BLAS.gemm(
            transB: true, m: n, n: G, k: H, a: hPrev + first * H, lda: H, b: weightHH, ldb: H, beta: 1,
            c: gates + first * G, ldc: G)
          BLAS.gemm(
            transB: true, m: n, n: G, k: C, a: windowPrev + first * C, lda: C, b: weightIH + I, ldb: W, beta: 1,
            c: gates + first * G, ldc: G)
          RecurrentStep.cellsForward(
            step: t, batch: batch, streams: streams, hiddenSize: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC,
            h: h, wide: false)
          BLAS.gemm(
            transB: true, m: n, n: 3 * K, k: H, a: h + first * H, lda: H, b: windowWeight, ldb: H,
            c: act + first * 3 * K, ldc: 3 * K)
          for b in streams {
            let r = base + b
            let p = act + r * 3 * K
            for j in 0..<(3 * K) { p[j] += windowBias[j] }
            AttentionWindow.forward(
              mixtures: K, classes: C, p: p, kappaPrev: kappaPrev + r * K, kappaStep: kappaStep + r * K,
              condition: UnsafeBufferPointer(rebasing: classes[condition.span(r)]), window: window + r * C)
          }
        }
      }
    }
    let last = (steps - 1) * batch
    h0.update(from: h + last * H, count: batch * H)
    c0.update(from: c + last * H, count: batch * H)
    window0.update(from: window + last * C, count: batch * C)
    for b in 0..<batch { (kappa0 + b * K).update(from: act + (last + b) * 3 * K + 2 * K, count: K) }
  }

  /// Whether the window of row `r` of the last forward has moved past the end of its condition
  /// (Graves' stop rule: φ one position past the last class outweighs φ of every class).
  public func hasPassedEnd(row r: Int) -> Bool {
    guard let condition else { return false }
    let U = condition.span(r).count
    let a = UnsafePointer(windowActivations.pointer + r * 3 * mixtures)
    let past = AttentionWindow.phi(mixtures: mixtures, activations: a, at: Float(U))
    for u in 0..<U where AttentionWindow.phi(mixtures: mixtures, activations: a, at: Float(u)) >= past {
      return false
    }
    return true
  }
}
