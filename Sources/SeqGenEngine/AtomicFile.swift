import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files so that readers see the old content or the new, never a torn mix:
/// write a temporary file beside the target, fsync it, rename it over the target, fsync the folder.
public enum AtomicFile {
  public static func write(_ data: Data, to url: URL) throws(EngineError) {
    let path = url.path
    let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    func failure(_ what: String) -> EngineError {
      .io(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw failure("cannot create temporary file") }
    var ok = data.withUnsafeBytes { raw -> Bool in
      var done = 0
      while done < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          return false
        }
        done += n
      }
      return true
    }
    var error = ok ? nil : failure("write failed")
    if ok && fsync(fd) != 0 {
      ok = false
      error = failure("fsync failed")
    }
    close(fd)
    guard ok else {
      unlink(temp)
      throw error!
    }
    guard rename(temp, path) == 0 else {
      let e = failure("rename failed")
      unlink(temp)
      throw e
    }
    let dir = open(url.deletingLastPathComponent().path, O_RDONLY)
    if dir >= 0 {
      fsync(dir)
      close(dir)
    }
  }
}
