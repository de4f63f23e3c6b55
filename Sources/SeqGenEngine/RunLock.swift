import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock on a run directory, so two trainings never write the same checkpoints.
///
/// It is a `flock` on `run/.lock`: the kernel releases it when the process ends, however it
/// ends (even `kill -9`), so a crashed run never leaves the directory locked. The file holds the
/// owner's pid, for the message the second process prints.
public final class RunLock {
  private let fd: Int32

  /// Takes the lock or throws naming the process that holds it.
  public init(_ run: RunDirectory) throws(EngineError) {
    let path = run.url.appendingPathComponent(".lock").path
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .io(path: path, reason: "cannot open lock file: \(String(cString: strerror(errno)))") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      var buffer = [UInt8](repeating: 0, count: 32)
      let n = pread(fd, &buffer, 31, 0)
      let owner =
        n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
      close(fd)
      throw .invalidArgument(
        "\(run.url.path) is in use by another seqgen train (pid \(owner)); wait for it or stop it first")
    }
    let pid = "\(getpid())\n"
    ftruncate(fd, 0)
    _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    // Temporary files of an owner that died mid-write are garbage now that we own the run.
    for name in (try? FileManager.default.contentsOfDirectory(atPath: run.url.path)) ?? []
    where name.hasPrefix(".") && name.contains(".tmp-") {
      try? FileManager.default.removeItem(at: run.url.appendingPathComponent(name))
    }
  }

  deinit { close(fd) }
}
