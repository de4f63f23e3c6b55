/// A table of learned rows, as `torch.nn.Embedding`: class k enters the LSTM as row k of
/// `weight` (classes, size) instead of as a one-hot column. Word and subword vocabularies are
/// too large for one-hot input to be cheap in parameters, and a shared row is what lets the
/// decoder reuse it (`EmbeddingConfig.tied`).
final class Embedding {
  let classes: Int
  let size: Int
  let weight, dWeight: UnsafeMutablePointer<Float>
  /// (N, size)
  let output: FloatBuffer
  private var indices: UnsafePointer<Int32>?

  init(params: ParameterStore, name: String, classes: Int, size: Int, capacity: Int) {
    self.classes = classes
    self.size = size
    weight = params.value("\(name).weight")
    dWeight = params.gradient("\(name).weight")
    output = FloatBuffer(count: capacity * size)
  }

  static func parameterSpecs(name: String, classes: Int, size: Int) -> [ParameterSpec] {
    [ParameterSpec("\(name).weight", [classes, size])]
  }

  /// indices (N) → rows (N, size). `indices` must stay valid until `backward`.
  func forward(_ indices: UnsafePointer<Int32>, rows: Int) -> UnsafeMutablePointer<Float> {
    self.indices = indices
    let y = output.pointer
    for r in 0..<rows {
      let k = Int(indices[r])
      precondition(k >= 0 && k < classes, "class \(k) outside the embedding's \(classes)")
      (y + r * size).update(from: weight + k * size, count: size)
    }
    return y
  }

  /// dy (N, size) → accumulates each row into the gradient of the row it was read from (rows
  /// read twice receive both). The two threads own halves of the columns, so none collide.
  ///
  /// - Parameter stride: the distance between rows of `dy` (wider than `size` when the layer
  ///   read the embedding followed by control rows).
  func backward(_ dy: UnsafePointer<Float>, rows: Int, stride: Int? = nil) {
    guard let indices else { preconditionFailure("backward before forward") }
    let size = size
    let stride = stride ?? size
    let dWeight = dWeight
    Parallel.split(size) { columns in
      for r in 0..<rows {
        let from = dy + r * stride
        let into = dWeight + Int(indices[r]) * size
        for j in columns { into[j] += from[j] }
      }
    }
  }
}
