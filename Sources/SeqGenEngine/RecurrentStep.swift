import AVX512Kernels
import LSTMMath

/// One step of the recurrence, shared by every recurrent layer (the plain LSTM layer, and the
/// windowed first layer whose state also holds the window and its position): how the state
/// enters the step (zeroed where a sequence starts, carried in from the previous chunk at
/// t = 0, from the previous step's output after that), the cells of its rows, and backward the
/// same in reverse (the gradient starts from the next chunk's or zero, is cut where a sequence
/// starts, and is handed back).
///
/// Each thread handles its own `streams`, so nothing here is shared between threads.
enum RecurrentStep {
  /// The LSTM cells of step `t`'s rows of `streams`, (T·B, ·) buffers, whose gates already hold
  /// the pre-activations; `wide` runs the AVX-512 cell.
  static func cellsForward(
    step t: Int, batch: Int, streams: Range<Int>, hiddenSize H: Int, gates: UnsafeMutablePointer<Float>,
    cPrev: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
    h: UnsafeMutablePointer<Float>, wide: Bool
  ) {
    for b in streams {
      let r = t * batch + b
      let (row, o) = (gates + r * 4 * H, r * H)
      if wide {
        WideCell.forward(hiddenSize: H, gates: row, cPrev: cPrev + o, c: c + o, tanhC: tanhC + o, h: h + o)
      } else {
        LSTMCell.forward(hiddenSize: H, gates: row, cPrev: cPrev + o, c: c + o, tanhC: tanhC + o, h: h + o)
      }
    }
  }

  /// Back through the cells of step `t`'s rows: the gate gradients from the output gradient
  /// and the carried (dh, dc), (B, H) each, which become the carry into step t.
  static func cellsBackward(
    step t: Int, batch: Int, streams: Range<Int>, hiddenSize H: Int, gates: UnsafeMutablePointer<Float>,
    dGates: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
    cPrev: UnsafeMutablePointer<Float>, dh: UnsafeMutablePointer<Float>, dc: UnsafeMutablePointer<Float>, wide: Bool
  ) {
    let G = 4 * H
    for b in streams {
      let r = t * batch + b
      if wide {
        WideCell.backward(
          hiddenSize: H, gates: gates + r * G, dGates: dGates + r * G, dOutput: dOutput + r * H, tanhC: tanhC + r * H,
          cPrev: cPrev + r * H, dh: dh + b * H, dc: dc + b * H)
      } else {
        LSTMCell.backward(
          hiddenSize: H, gates: gates + r * G, dGates: dGates + r * G, dOutput: dOutput + r * H, tanhC: tanhC + r * H,
          cPrev: cPrev + r * H, dh: dh + b * H, dc: dc + b * H)
      }
    }
  }

  /// One part of the state (h, c, a window, its position).
  struct Part {
    /// Each row's previous value, written here: (T·B, width).
    var previous: UnsafeMutablePointer<Float>
    var width: Int
    /// The state carried into the chunk, (B, width).
    var initial: UnsafePointer<Float>
    /// Where row r's new value is read: `output + r · stride + offset`.
    var output: UnsafePointer<Float>
    var stride: Int
    var offset = 0
  }

  /// Fills the previous state of step `t`'s rows of `streams`.
  static func enter(step t: Int, batch: Int, streams: Range<Int>, resets: UnsafePointer<Bool>, _ parts: [Part]) {
    let base = t * batch
    for b in streams {
      let r = base + b
      for p in parts {
        let destination = p.previous + r * p.width
        if resets[r] {
          destination.update(repeating: 0, count: p.width)
        } else if t == 0 {
          destination.update(from: p.initial + b * p.width, count: p.width)
        } else {
          destination.update(from: p.output + (r - batch) * p.stride + p.offset, count: p.width)
        }
      }
    }
  }

  /// One part of the state's gradient carried back through time.
  struct Gradient {
    /// The running gradient, (B, width).
    var d: UnsafeMutablePointer<Float>
    var width: Int
    /// The gradient with respect to the final state on entry, the initial state on exit; nil
    /// for zero (truncated BPTT).
    var carried: UnsafeMutablePointer<Float>?
  }

  /// Starts the backward pass of `streams`: the carried gradient, or zero.
  static func beginBackward(streams: Range<Int>, _ gradients: [Gradient]) {
    for g in gradients {
      let at = streams.lowerBound * g.width
      if let carried = g.carried {
        (g.d + at).update(from: carried + at, count: streams.count * g.width)
      } else {
        (g.d + at).update(repeating: 0, count: streams.count * g.width)
      }
    }
  }

  /// No gradient crosses a sequence's start: the state there was a constant zero.
  static func cutAtResets(
    step t: Int, batch: Int, streams: Range<Int>, resets: UnsafePointer<Bool>, _ gradients: [Gradient]
  ) {
    for b in streams where resets[t * batch + b] {
      for g in gradients { (g.d + b * g.width).update(repeating: 0, count: g.width) }
    }
  }

  /// Hands the gradient with respect to the chunk's initial state back.
  static func endBackward(streams: Range<Int>, _ gradients: [Gradient]) {
    for g in gradients {
      guard let carried = g.carried else { continue }
      let at = streams.lowerBound * g.width
      (carried + at).update(from: g.d + at, count: streams.count * g.width)
    }
  }
}
