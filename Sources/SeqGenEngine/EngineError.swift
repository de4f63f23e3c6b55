/// Everything the engine reports to a user: each case prints as one line naming what is wrong.
///
/// A setting is named by its property in backticks (seqLength, written between backticks), never by a flag: each
/// front end spells settings its own way (`--seq-length` on the command line, a JSON field in
/// the HTTP API) and rewrites the names as it shows the message.
public enum EngineError: Error, CustomStringConvertible, Equatable {
  /// A flag or option outside its range.
  case invalidArgument(String)
  /// A named setting (a property name such as `topK`, which front ends spell their own way)
  /// that is out of range or does not apply.
  case invalidOption(name: String, reason: String)
  /// A data file that cannot be used (unreadable, wrong format, empty).
  case badData(path: String, reason: String)
  /// The corpus is too small for the requested batch.
  case corpusTooSmall(String)
  /// A directory that holds no SeqGen run.
  case notARun(path: String)
  /// A checkpoint or manifest that cannot be loaded.
  case badCheckpoint(path: String, reason: String)
  /// A file system failure while saving.
  case io(path: String, reason: String)
  /// Training produced non-finite values too many times in a row.
  case diverged(step: Int, reason: String)
  /// Another process of a parallel job failed at a step all of them take together; that
  /// process reports its own error.
  case otherProcessFailed
  /// The processes of a parallel job disagree (about the corpus, the run).
  case processesDisagree(String)
  /// A generation stopped early by its front end (`GenerationCancellation`).
  case cancelled(String)

  public var description: String {
    switch self {
    case .invalidArgument(let m): m
    case .invalidOption(let name, let reason): "`\(name)` \(reason)"
    case .badData(let path, let reason): "\(path): \(reason)"
    case .corpusTooSmall(let m): m
    case .notARun(let path): "\(path): not a SeqGen run directory (no manifest.json or model.safetensors)"
    case .badCheckpoint(let path, let reason): "\(path): \(reason)"
    case .io(let path, let reason): "\(path): \(reason)"
    case .diverged(let step, let reason):
      "training stopped at step \(step): \(reason); the last good checkpoint is kept"
    case .otherProcessFailed: "another process of this parallel job failed; it printed why"
    case .processesDisagree(let m): m
    case .cancelled(let why): "generation \(why)"
    }
  }
}
