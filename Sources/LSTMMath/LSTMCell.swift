/// The element-wise part of an LSTM step for one stream, 16 units at a time.
///
/// Always inlined, like `VectorMath`: the engine runs it on AVX2, `AVX512Kernels.WideCell` on
/// AVX-512, with the same arithmetic. Units past the last 16 go through the scalar versions
/// of the same polynomials.
public enum LSTMCell {
  /// gates (4H, pre-activations i, f, g, o) become σ(i), σ(f), tanh(g), σ(o) in place;
  /// c = f·cPrev + i·g, tanhC = tanh(c), h = o·tanh(c). All (H) except `gates`.
  @_transparent
  public static func forward(
    hiddenSize H: Int, gates row: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>
  ) {
    typealias M = VectorMath
    let w = VectorMath.V.scalarCount
    var j = 0
    while j + w <= H {
      let i = M.sigmoid(M.load(row + j))
      let f = M.sigmoid(M.load(row + H + j))
      let g = M.tanh(M.load(row + 2 * H + j))
      let o = M.sigmoid(M.load(row + 3 * H + j))
      M.store(i, row + j)
      M.store(f, row + H + j)
      M.store(g, row + 2 * H + j)
      M.store(o, row + 3 * H + j)
      let cv = f * M.load(cPrev + j) + i * g
      let tc = M.tanh(cv)
      M.store(cv, c + j)
      M.store(tc, tanhC + j)
      M.store(o * tc, h + j)
      j += w
    }
    while j < H {
      let i = M.sigmoid(row[j])
      let f = M.sigmoid(row[H + j])
      let g = M.tanh(row[2 * H + j])
      let o = M.sigmoid(row[3 * H + j])
      row[j] = i
      row[H + j] = f
      row[2 * H + j] = g
      row[3 * H + j] = o
      let cv = f * cPrev[j] + i * g
      let tc = M.tanh(cv)
      c[j] = cv
      tanhC[j] = tc
      h[j] = o * tc
      j += 1
    }
  }

  /// One step back through the cell: from dh (the output gradient `dOutput` plus the recurrent
  /// one `dh`) and the carried `dc`, the gate pre-activation gradients (4H) and the dc carried
  /// to the previous step (in place). `gates` holds the activations `forward` left there.
  @_transparent
  public static func backward(
    hiddenSize H: Int, gates row: UnsafePointer<Float>, dGates dRow: UnsafeMutablePointer<Float>,
    dOutput dOut: UnsafePointer<Float>, tanhC tc: UnsafePointer<Float>, cPrev cp: UnsafePointer<Float>,
    dh dhb: UnsafePointer<Float>, dc dcb: UnsafeMutablePointer<Float>
  ) {
    typealias M = VectorMath
    let w = VectorMath.V.scalarCount
    var j = 0
    while j + w <= H {
      let i = M.load(row + j)
      let f = M.load(row + H + j)
      let g = M.load(row + 2 * H + j)
      let o = M.load(row + 3 * H + j)
      let t = M.load(tc + j)
      let dhv = M.load(dOut + j) + M.load(dhb + j)
      let dcv = M.load(dcb + j) + dhv * o * (1 - t * t)
      M.store(dcv * g * i * (1 - i), dRow + j)
      M.store(dcv * M.load(cp + j) * f * (1 - f), dRow + H + j)
      M.store(dcv * i * (1 - g * g), dRow + 2 * H + j)
      M.store(dhv * t * o * (1 - o), dRow + 3 * H + j)
      M.store(dcv * f, dcb + j)
      j += w
    }
    while j < H {
      let i = row[j]
      let f = row[H + j]
      let g = row[2 * H + j]
      let o = row[3 * H + j]
      let dhv = dOut[j] + dhb[j]
      let dcv = dcb[j] + dhv * o * (1 - tc[j] * tc[j])
      dRow[j] = dcv * g * i * (1 - i)
      dRow[H + j] = dcv * cp[j] * f * (1 - f)
      dRow[2 * H + j] = dcv * i * (1 - g * g)
      dRow[3 * H + j] = dhv * tc[j] * o * (1 - o)
      dcb[j] = dcv * f
      j += 1
    }
  }
}
