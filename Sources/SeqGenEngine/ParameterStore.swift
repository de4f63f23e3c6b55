/// All trainable tensors of a model in one flat buffer, with named views into it.
///
/// One buffer for values and one for gradients (same layout) make the optimizer update,
/// gradient clipping, zeroing and checkpointing each a single loop, as in llm.c. Names are
/// torch's (`lstm.weight_ih_l0`, `decoder.bias`), so a checkpoint maps to PyTorch modules.
public final class ParameterStore: @unchecked Sendable {
  /// One named tensor: its shape and where it starts in the flat buffers.
  public struct Entry: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// Where it lies in the flat buffers.
    public var range: Range<Int> { offset..<(offset + count) }
  }

  public let entries: [Entry]
  public let values: FloatBuffer
  public let gradients: FloatBuffer
  public var count: Int { values.count }

  /// Lays out the tensors in the order given.
  public init(_ specs: [ParameterSpec]) {
    var offset = 0
    var entries: [Entry] = []
    for spec in specs {
      precondition(!entries.contains { $0.name == spec.name }, "duplicate parameter \(spec.name)")
      let entry = Entry(name: spec.name, shape: spec.shape, offset: offset)
      entries.append(entry)
      offset += entry.count
    }
    self.entries = entries
    values = FloatBuffer(count: offset)
    gradients = FloatBuffer(count: offset)
  }

  public func entry(_ name: String) -> Entry {
    guard let e = entries.first(where: { $0.name == name }) else {
      preconditionFailure("no parameter named \(name)")
    }
    return e
  }

  /// The values of one tensor.
  public func value(_ name: String) -> UnsafeMutablePointer<Float> { values.pointer + entry(name).offset }

  /// The gradient of one tensor.
  public func gradient(_ name: String) -> UnsafeMutablePointer<Float> {
    gradients.pointer + entry(name).offset
  }

  public func zeroGradients() { gradients.zero() }

  /// The L2 norm of all gradients together, accumulated in Double.
  public func gradientNorm() -> Double {
    var sum = 0.0
    let g = gradients.pointer
    for i in 0..<count { sum += Double(g[i]) * Double(g[i]) }
    return sum.squareRoot()
  }

  /// Whether every value is finite.
  public var valuesAreFinite: Bool {
    let v = values.pointer
    for i in 0..<count where !v[i].isFinite { return false }
    return true
  }
}
