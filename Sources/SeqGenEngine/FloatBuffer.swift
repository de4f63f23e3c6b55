/// A fixed-size, zero-initialised Float32 buffer with a stable address.
///
/// Layers hand raw pointers into these buffers to BLAS and to each other, so the hot loops
/// see neither copy-on-write checks nor exclusivity checks, and nothing is allocated per step.
public final class FloatBuffer: @unchecked Sendable {
  public let count: Int
  public let pointer: UnsafeMutablePointer<Float>

  public init(count: Int) {
    precondition(count >= 0, "negative buffer size")
    self.count = count
    pointer = .allocate(capacity: max(count, 1))
    pointer.initialize(repeating: 0, count: max(count, 1))
  }

  deinit { pointer.deallocate() }

  public subscript(i: Int) -> Float {
    get { pointer[i] }
    set { pointer[i] = newValue }
  }

  public func zero() { pointer.update(repeating: 0, count: count) }

  public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

  public func copy(from values: [Float]) {
    precondition(values.count == count, "copy of \(values.count) values into a buffer of \(count)")
    values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
  }
}
