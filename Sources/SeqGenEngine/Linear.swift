/// A fully connected layer, y = x·weightᵀ + bias, as `torch.nn.Linear`.
///
/// `weight` is (out, in) and `bias` (out). Activations are kept for up to `capacity` rows.
final class Linear {
  let inputSize: Int
  let outputSize: Int
  let weight, bias, dWeight, dBias: UnsafeMutablePointer<Float>
  /// (N, out)
  let output: FloatBuffer
  /// (N, in), filled by `backward`.
  let dInput: FloatBuffer
  private var input: UnsafePointer<Float>?

  /// - Parameter weight: the tensor used as the weight when it is another layer's (a decoder
  ///   tied to the embedding); gradients accumulate into that tensor's.
  init(
    params: ParameterStore, name: String, weight shared: String? = nil, inputSize: Int, outputSize: Int,
    capacity: Int, trainable: Bool = true
  ) {
    self.inputSize = inputSize
    self.outputSize = outputSize
    weight = params.value(shared ?? "\(name).weight")
    bias = params.value("\(name).bias")
    dWeight = params.gradient(shared ?? "\(name).weight")
    dBias = params.gradient("\(name).bias")
    output = FloatBuffer(count: capacity * outputSize)
    dInput = FloatBuffer(count: trainable ? capacity * inputSize : 0)
  }

  static func parameterSpecs(name: String, inputSize: Int, outputSize: Int) -> [ParameterSpec] {
    [ParameterSpec("\(name).weight", [outputSize, inputSize]), ParameterSpec("\(name).bias", [outputSize])]
  }

  /// x (N, in) → y (N, out). `x` must stay valid until `backward`.
  @discardableResult
  func forward(_ x: UnsafePointer<Float>, rows: Int) -> UnsafeMutablePointer<Float> {
    input = x
    let y = output.pointer
    let weight = weight
    let bias = bias
    let inputSize = inputSize
    let outputSize = outputSize
    Parallel.split(rows) { part in
      BLAS.gemm(
        transB: true, m: part.count, n: outputSize, k: inputSize, a: x + part.lowerBound * inputSize, lda: inputSize,
        b: weight, ldb: inputSize, c: y + part.lowerBound * outputSize, ldc: outputSize)
      for r in part {
        let row = y + r * outputSize
        for j in 0..<outputSize { row[j] += bias[j] }
      }
    }
    return y
  }

  /// dy (N, out) → accumulates dWeight, dBias; writes dInput (N, in).
  func backward(_ dy: UnsafePointer<Float>, rows: Int) {
    guard let x = input else { preconditionFailure("backward before forward") }
    precondition(dInput.count >= rows * inputSize, "backward through a layer built without gradient buffers")
    let weight = weight
    let dWeight = dWeight
    let dBias = dBias
    let dInput = dInput.pointer
    let inputSize = inputSize
    let outputSize = outputSize
    // Each thread owns half the output units of the weight gradient, then half the rows of dInput.
    Parallel.split(outputSize) { units in
      BLAS.gemm(
        transA: true, m: units.count, n: inputSize, k: rows, a: dy + units.lowerBound, lda: outputSize, b: x,
        ldb: inputSize,
        beta: 1, c: dWeight + units.lowerBound * inputSize, ldc: inputSize)
      for r in 0..<rows {
        let row = dy + r * outputSize
        for j in units { dBias[j] += row[j] }
      }
    }
    Parallel.split(rows) { part in
      BLAS.gemm(
        m: part.count, n: inputSize, k: outputSize, a: dy + part.lowerBound * outputSize, lda: outputSize, b: weight,
        ldb: inputSize, c: dInput + part.lowerBound * inputSize, ldc: inputSize)
    }
  }
}
