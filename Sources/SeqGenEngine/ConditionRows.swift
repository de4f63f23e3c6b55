/// The condition every row of a chunk reads: a span of one flat list of class indices.
///
/// Rows of one training sequence share its span; a row whose span is empty reads nothing (its
/// window vector is zero). The flat list is the corpus's own array (shared, not copied).
public final class ConditionRows {
  public let capacity: Int
  /// Every condition sequence's classes, one after the other.
  public internal(set) var classes: [Int32] = []
  /// (capacity) where each row's span starts in `classes`, and its length.
  let start, count: UnsafeMutablePointer<Int32>

  public init(capacity: Int) {
    self.capacity = capacity
    start = .allocate(capacity: capacity)
    start.initialize(repeating: 0, count: capacity)
    count = .allocate(capacity: capacity)
    count.initialize(repeating: 0, count: capacity)
  }

  deinit {
    start.deallocate()
    count.deallocate()
  }

  /// Makes every one of `rows` rows read `sequence` (generation: one text for every stream).
  public func set(_ sequence: [Int], rows: Int) {
    precondition(rows <= capacity)
    classes = sequence.map { Int32($0) }
    for r in 0..<rows {
      start[r] = 0
      count[r] = Int32(sequence.count)
    }
  }

  /// The classes row `r` reads.
  func span(_ r: Int) -> Range<Int> {
    let s = Int(start[r])
    return s..<(s + Int(count[r]))
  }
}
