import Foundation

/// A run directory opened for training: locked by process 0, with the checkpoint to resume
/// (on every process) when resuming.
///
/// Opening is one collective step: process 0 creates or checks the folder, takes its lock and
/// reads the latest checkpoint; the checkpoint's bytes (which carry the manifest) are sent to the
/// other processes once, so the run directory need only be on process 0's machine. A failure
/// anywhere stops every process.
public final class OpenedRun {
  public let run: RunDirectory
  /// The latest checkpoint of a resumed run (nil for a new run), on every process.
  public let checkpoint: RunDirectory.Checkpoint?
  /// Held while the run is open: no second training can write this run meanwhile.
  let lock: RunLock?
  /// Whether opening created the folder: `discard()` removes it again.
  private let created: Bool
  private let leader: Bool
  private var kept = false

  /// The manifest of the resumed run; nil for a new run.
  public var resumed: Manifest? { checkpoint?.manifest }

  /// Opens `run` for a model of domain `domain`: a new run needs an empty or absent folder, a
  /// resumed one a checkpoint of that domain.
  public init(_ run: RunDirectory, domain: String, resume: Bool, collective: any Collective = SingleProcess()) throws {
    self.run = run
    leader = collective.rank == 0
    let existed = FileManager.default.fileExists(atPath: run.url.path)
    created = leader && !existed
    let leader = leader
    var checkpoint: RunDirectory.Checkpoint?
    do {
      (lock, checkpoint) = try collective.agree {
        guard leader else { return (nil, nil) }
        if resume {
          guard run.exists else { throw EngineError.notARun(path: run.url.path) }
        } else {
          try run.create()
        }
        return (try RunLock(run), try Self.checkpointToResume(run, domain: domain, resume: resume))
      }
      if resume && !collective.isSingle {
        var bytes = try checkpoint.map { [UInt8](try Data(contentsOf: $0.url, options: .mappedIfSafe)) } ?? []
        try collective.broadcast(&bytes)
        checkpoint = try collective.agree {
          try checkpoint ?? RunDirectory.Checkpoint(decoding: Data(bytes), url: run.latestURL)
        }
      }
    } catch {
      if created { try? FileManager.default.removeItem(at: run.url) }
      throw error
    }
    self.checkpoint = checkpoint
  }

  /// The setting-up succeeded: the folder stays even if it was created by this opening.
  public func keep() { kept = true }

  /// Removes the folder if this opening created it and setting up did not succeed (`keep()`):
  /// a failed start leaves no new empty folder behind.
  public func discard() {
    if created && !kept { try? FileManager.default.removeItem(at: run.url) }
  }

  /// The latest checkpoint of `run` when resuming (it must hold `domain`'s model); for a new
  /// run, nil, and the folder must be empty.
  private static func checkpointToResume(
    _ run: RunDirectory, domain: String, resume: Bool
  ) throws -> RunDirectory.Checkpoint? {
    guard resume else {
      if run.exists {
        throw EngineError.invalidArgument(
          "\(run.url.path) already holds a run; pass `resume` to continue it, or choose another `out`")
      }
      return nil
    }
    let checkpoint = try run.checkpoint(.latest)
    guard checkpoint.manifest.domain == domain else {
      throw EngineError.badCheckpoint(
        path: run.url.path, reason: "holds a \(checkpoint.manifest.domain) model, not \(domain)")
    }
    return checkpoint
  }
}
