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
  /// Width of the rows every step reads beside its input (`ModelConfig.controlWidth`): 0 for
  /// a model without them.
  public let controlWidth: Int
  /// How many of them are the label's one-hot; the domain's controls follow.
  public let labelWidth: Int
  /// (T·B, controlWidth) those rows.
  let controls: FloatBuffer

  public init(kind: InputKind, capacity: Int, conditioned: Bool = false, controlWidth: Int = 0, labelWidth: Int = 0) {
    precondition(labelWidth <= controlWidth)
    self.kind = kind
    self.capacity = capacity
    self.controlWidth = controlWidth
    self.labelWidth = labelWidth
    controls = FloatBuffer(count: capacity * controlWidth)
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

  /// A chunk for a model of `config`: its input kind, condition and control rows.
  public convenience init(for config: ModelConfig, capacity: Int) {
    self.init(
      kind: config.input, capacity: capacity, conditioned: config.condition != nil, controlWidth: config.controlWidth,
      labelWidth: config.labels?.count ?? 0)
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

  /// The control rows as the model reads them, or nil for a model without them.
  public var controlRows: UnsafePointer<Float>? { controlWidth > 0 ? UnsafePointer(controls.pointer) : nil }

  /// Writes row `r`'s label part: the one-hot of `label`, or zeros (no label, or −1).
  func setLabel(row r: Int, _ label: Int?) {
    let row = controls.pointer + r * controlWidth
    row.update(repeating: 0, count: labelWidth)
    if let label, label >= 0 {
      precondition(label < labelWidth, "label \(label) outside \(labelWidth)")
      row[label] = 1
    }
  }

  /// Writes row `r`'s domain controls (`controlWidth − labelWidth` values), or zeros for nil.
  func setDomainControls(row r: Int, _ values: UnsafePointer<Float>?) {
    let row = controls.pointer + r * controlWidth + labelWidth
    let width = controlWidth - labelWidth
    if let values { row.update(from: values, count: width) } else { row.update(repeating: 0, count: width) }
  }

  /// Number of rows with a target.
  public var targetCount: Int {
    var n = 0
    for i in 0..<(steps * batch) where targets[i] != nil { n += 1 }
    return n
  }
}
