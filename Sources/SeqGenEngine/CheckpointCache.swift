import Foundation
import Synchronization

/// Checkpoints kept in memory once loaded, for a process that loads the same runs again and
/// again (a server generating from them); off unless a front end turns it on.
///
/// An entry is used only while its file is unchanged (same size, modification time and inode):
/// a checkpoint replaced by a training run (atomically, by rename) is read afresh.
public final class CheckpointCache: Sendable {
  /// The cache `RunDirectory.checkpoint(_:)` consults; nil (no caching) by default.
  public static var shared: CheckpointCache? { current.withLock { $0 } }
  private static let current = Mutex<CheckpointCache?>(nil)

  /// Turns caching on for the whole process, keeping up to `capacity` checkpoints.
  public static func enable(capacity: Int) { current.withLock { $0 = CheckpointCache(capacity: capacity) } }

  struct Key: Hashable {
    var path: String
    var size: Int
    var modified: Date
    var inode: Int
  }

  private let capacity: Int
  private let entries = Mutex<[(key: Key, checkpoint: RunDirectory.Checkpoint)]>([])

  init(capacity: Int) { self.capacity = max(1, capacity) }

  static func key(for url: URL) -> Key? {
    guard let a = try? FileManager.default.attributesOfItem(atPath: url.path),
      let size = a[.size] as? Int, let modified = a[.modificationDate] as? Date
    else { return nil }
    return Key(path: url.path, size: size, modified: modified, inode: (a[.systemFileNumber] as? Int) ?? 0)
  }

  /// The cached checkpoint of `url` if its file is unchanged, else what `load` gives (kept).
  func checkpoint(at url: URL, load: () throws(EngineError) -> RunDirectory.Checkpoint) throws(EngineError)
    -> RunDirectory.Checkpoint
  {
    guard let key = Self.key(for: url) else { return try load() }
    if let hit = entries.withLock({ $0.first { $0.key == key }?.checkpoint }) { return hit }
    let loaded = try load()
    entries.withLock { list in
      list.removeAll { $0.key.path == key.path }
      list.append((key, loaded))
      if list.count > capacity { list.removeFirst(list.count - capacity) }
    }
    return loaded
  }

  var count: Int { entries.withLock { $0.count } }
}
