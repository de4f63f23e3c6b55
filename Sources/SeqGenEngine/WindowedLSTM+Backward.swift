import LSTMMath

/// Back-propagation through the stack and the window.
extension WindowedLSTM {
  /// Back-propagates the last forward pass, accumulating weight gradients.
  ///
  /// - Parameters:
  ///   - dOutput: gradient with respect to the output [h¹ … hᴸ], (T·B, L·H).
  ///   - dState: gradient with respect to the final state (every layer's h and c, κ, w) on entry,
  ///     with respect to the initial state on exit; nil means zero (truncated BPTT).
  func backward(
    dOutput: UnsafePointer<Float>, steps: Int, batch: Int, resets: UnsafePointer<Bool>, dState: RecurrentState?
  ) {
    guard input != nil, let condition else { preconditionFailure("backward before forward") }
    precondition(dLayer.count > 0, "backward through a stack built without gradient buffers")
    let (H, L, I, C) = (hiddenSize, numLayers, inputSize, classes)
    let rows = steps * batch
    let width = I + H + C
    let dLayer = dLayer.pointer
    let dWindowUpper = dWindowUpper.pointer
    dWindowUpper.update(repeating: 0, count: rows * C)
    for l in stride(from: L - 1, through: 0, by: -1) {
      // This layer's output gradient: from the decoder, plus from the layer above's input.
      for r in 0..<rows { (dLayer + r * H).update(from: dOutput + (r * L + l) * H, count: H) }
      if l + 1 < L {
        let dAbove = upper[l].dInput.pointer
        let mask = droppedThisPass ? masks[l].pointer : nil
        for r in 0..<rows {
          for j in 0..<H { dLayer[r * H + j] += dAbove[r * width + I + j] * (mask?[r * H + j] ?? 1) }
        }
      }
      guard l > 0 else { break }
      let layer = upper[l - 1]
      let ds = dState.map { (h: $0.h.pointer + l * batch * H, c: $0.c.pointer + l * batch * H) }
      layer.backward(
        dOutput: UnsafePointer(dLayer), steps: steps, batch: batch, resets: resets, dState: ds, inputGradient: true)
      let dIn = layer.dInput.pointer
      for r in 0..<rows { for j in 0..<C { dWindowUpper[r * C + j] += dIn[r * width + I + H + j] } }
    }
    firstLayerBackward(condition: condition, steps: steps, batch: batch, resets: resets, dState: dState)
  }

  /// Back through the first layer and the window, step by step, then its weight gradients.
  /// Reads the first layer's output gradient from `dLayer` and ∂loss/∂w from `dWindowUpper`.
  func firstLayerBackward(
    condition: ConditionRows, steps: Int, batch: Int, resets: UnsafePointer<Bool>, dState: RecurrentState?
  ) {
    guard let input else { return }
    let (I, H, C, K) = (inputSize, hiddenSize, classes, mixtures)
    let G = 4 * H
    let W = I + C
    let rows = steps * batch
    let (gates, dGates, hPrev, cPrev, tanhC, h) = (
      gates.pointer, dGates.pointer, hPrev.pointer, cPrev.pointer, tanhC.pointer, h.pointer
    )
    let (act, kappaStep, dP, windowPrev) = (
      windowActivations.pointer, kappaStep.pointer, dWindowParams.pointer, windowPrev.pointer
    )
    let (dLayer, dWindowUpper, dh, dc, dw, dk) = (
      dLayer.pointer, dWindowUpper.pointer, dh.pointer, dc.pointer, dWindowCarry.pointer, dKappaCarry.pointer
    )
    let (weightIH, weightHH, windowWeight) = (weightIH, weightHH, windowWeight)
    let (dWeightIH, dWeightHH, dBiasIH, dBiasHH, dWindowWeight, dWindowBias) = (
      dWeightIH, dWeightHH, dBiasIH, dBiasHH, dWindowWeight, dWindowBias
    )
    let carried = [
      RecurrentStep.Gradient(d: dh, width: H, carried: dState?.h.pointer),
      RecurrentStep.Gradient(d: dc, width: H, carried: dState?.c.pointer),
      RecurrentStep.Gradient(d: dw, width: C, carried: dState?.window.pointer),
      RecurrentStep.Gradient(d: dk, width: K, carried: dState?.kappa.pointer),
    ]
    condition.classes.withUnsafeBufferPointer { classes in
      Parallel.split(batch) { streams in
        let b0 = streams.lowerBound
        let n = streams.count
        RecurrentStep.beginBackward(streams: streams, carried)
        for t in stride(from: steps - 1, through: 0, by: -1) {
          let base = t * batch
          let first = base + b0
          for b in streams {
            let r = base + b
            for j in 0..<C { dw[b * C + j] += dWindowUpper[r * C + j] }
            AttentionWindow.backward(
              mixtures: K, activations: act + r * 3 * K, kappaStep: kappaStep + r * K,
              condition: UnsafeBufferPointer(rebasing: classes[condition.span(r)]), dWindow: dw + b * C,
              dKappa: dk + b * K, dP: dP + r * 3 * K)
          }
          // The window's share of ∂loss/∂h¹, added to what came from the decoder and above.
          BLAS.gemm(
            m: n, n: H, k: 3 * K, a: dP + first * 3 * K, lda: 3 * K, b: windowWeight, ldb: H, beta: 1,
            c: dLayer + first * H, ldc: H)
          RecurrentStep.cellsBackward(
            step: t, batch: batch, streams: streams, hiddenSize: H, gates: gates, dGates: dGates, dOutput: dLayer,
            tanhC: tanhC, cPrev: cPrev, dh: dh, dc: dc, wide: false)
          BLAS.gemm(m: n, n: H, k: G, a: dGates + first * G, lda: G, b: weightHH, ldb: H, c: dh + b0 * H, ldc: H)
          BLAS.gemm(
            m: n, n: C, k: G, a: dGates + first * G, lda: G, b: weightIH + I, ldb: W, c: dw + b0 * C, ldc: C)
          RecurrentStep.cutAtResets(step: t, batch: batch, streams: streams, resets: resets, carried)
        }
        RecurrentStep.endBackward(streams: streams, carried)
      }
    }

    // Weight gradients for the whole chunk; each thread owns half the gate units.
    Parallel.split(G) { units in
      let g0 = units.lowerBound
      let m = units.count
      LSTMLayer.accumulateRecurrentGradients(
        units: units, rows: rows, hiddenSize: H, dGates: dGates, hPrev: hPrev, dWeightHH: dWeightHH, dBiasIH: dBiasIH,
        dBiasHH: dBiasHH)
      BLAS.gemm(
        transA: true, m: m, n: C, k: rows, a: dGates + g0, lda: G, b: windowPrev, ldb: C, beta: 1,
        c: dWeightIH + g0 * W + I, ldc: W)
      switch input {
      case .dense(let x):
        BLAS.gemm(
          transA: true, m: m, n: I, k: rows, a: dGates + g0, lda: G, b: x, ldb: I, beta: 1, c: dWeightIH + g0 * W,
          ldc: W)
      case .indices(let idx):
        for r in 0..<rows {
          let k = Int(idx[r])
          for j in units { dWeightIH[j * W + k] += dGates[r * G + j] }
        }
      }
    }
    BLAS.gemm(
      transA: true, m: 3 * K, n: H, k: rows, a: dP, lda: 3 * K, b: h, ldb: H, beta: 1, c: dWindowWeight, ldc: H)
    for j in 0..<(3 * K) {
      var sum: Float = 0
      for r in 0..<rows { sum += dP[r * 3 * K + j] }
      dWindowBias[j] += sum
    }
  }
}
