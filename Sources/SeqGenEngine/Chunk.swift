/// One (T, B) slice of training or evaluation data, laid out row r = t·B + b.
///
/// Buffers are allocated once for the largest chunk and refilled in place.
public final class Chunk<Target: Sendable> {
  public let kind: InputKind
  public let capacity: Int
  public private(set) var steps = 0
  public private(set) var batch = 0
  /// (T·B) class indices, for categorical input.
  let indices: UnsafeMutablePointer<Int32>
  /// (T·B, width) rows, for dense input.
  let dense: FloatBuffer
  /// (T·B) flags: zero stream b's state before step t.
  let resets: UnsafeMutablePointer<Bool>
  /// (T·B) targets; nil marks padding.
  public var targets: [Target?]
  /// The condition of each row, for a conditioned model; nil otherwise.
  public let condition: ConditionRows?

  public init(kind: InputKind, capacity: Int, conditioned: Bool = false) {
    self.kind = kind
    self.capacity = capacity
    condition = conditioned ? ConditionRows(capacity: capacity) : nil
    indices = .allocate(capacity: capacity)
    indices.initialize(repeating: 0, count: capacity)
    resets = .allocate(capacity: capacity)
    resets.initialize(repeating: false, count: capacity)
    if case .dense(let width) = kind {
      dense = FloatBuffer(count: capacity * width)
    } else {
      dense = FloatBuffer(count: 0)
    }
    targets = Array(repeating: nil, count: capacity)
  }

  deinit {
    indices.deallocate()
    resets.deallocate()
  }

  func setShape(steps: Int, batch: Int) {
    precondition(steps * batch <= capacity)
    self.steps = steps
    self.batch = batch
  }

  /// The input as the first LSTM layer reads it.
  public var input: LayerInput {
    switch kind {
    case .categorical: .indices(indices)
    case .dense: .dense(dense.pointer)
    }
  }

  /// Number of rows with a target.
  public var targetCount: Int {
    var n = 0
    for i in 0..<(steps * batch) where targets[i] != nil { n += 1 }
    return n
  }
}
