import CSndFile
import Foundation

/// A growable byte buffer libsndfile reads and writes through its virtual I/O callbacks, so
/// audio can be decoded from memory (fuzzing, embedded data) and encoded before an atomic save.
final class MemoryIO {
  private(set) var bytes: [UInt8]
  private var position = 0

  init(_ bytes: [UInt8] = []) { self.bytes = bytes }

  /// The `SF_VIRTUAL_IO` table; `user_data` is an unretained `MemoryIO`.
  static var callbacks: SF_VIRTUAL_IO {
    SF_VIRTUAL_IO(
      get_filelen: { user in sf_count_t(MemoryIO.io(user).bytes.count) },
      seek: { offset, whence, user in MemoryIO.io(user).seek(Int(offset), whence: whence) },
      read: { pointer, count, user in MemoryIO.io(user).read(into: pointer, count: Int(count)) },
      write: { pointer, count, user in MemoryIO.io(user).write(pointer, count: Int(count)) },
      tell: { user in sf_count_t(MemoryIO.io(user).position) })
  }

  private static func io(_ user: UnsafeMutableRawPointer?) -> MemoryIO {
    Unmanaged<MemoryIO>.fromOpaque(user!).takeUnretainedValue()
  }

  private func seek(_ offset: Int, whence: Int32) -> sf_count_t {
    let base: Int
    switch whence {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = position
    case SEEK_END: base = bytes.count
    default: return -1
    }
    let (target, overflow) = base.addingReportingOverflow(offset)
    guard !overflow, target >= 0 else { return -1 }
    position = target
    return sf_count_t(position)
  }

  private func read(into pointer: UnsafeMutableRawPointer?, count: Int) -> sf_count_t {
    guard let pointer, count > 0, position < bytes.count else { return 0 }
    let n = min(count, bytes.count - position)
    bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
    position += n
    return sf_count_t(n)
  }

  private func write(_ pointer: UnsafeRawPointer?, count: Int) -> sf_count_t {
    guard let pointer, count > 0 else { return 0 }
    let end = position + count
    if end > bytes.count { bytes.append(contentsOf: repeatElement(0, count: end - bytes.count)) }
    bytes.withUnsafeMutableBytes { ($0.baseAddress! + position).copyMemory(from: pointer, byteCount: count) }
    position = end
    return sf_count_t(count)
  }
}
