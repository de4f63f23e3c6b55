import Foundation

/// A run directory: the manifest, the latest and best checkpoints, the metrics log and plot.
///
/// Each checkpoint file is self-contained (weights + optimizer + carried state + the manifest
/// in its metadata) and replaced atomically, so a run killed at any moment leaves a loadable
/// checkpoint whose manifest matches its weights.
public struct RunDirectory: Sendable {
  public let url: URL

  public init(_ url: URL) { self.url = url }

  public var manifestURL: URL { url.appendingPathComponent("manifest.json") }
  public var latestURL: URL { url.appendingPathComponent("model.safetensors") }
  public var bestURL: URL { url.appendingPathComponent("best.safetensors") }
  public var metricsURL: URL { url.appendingPathComponent("metrics.jsonl") }
  public var lossPlotURL: URL { url.appendingPathComponent("loss.svg") }

  /// Which checkpoint to read.
  public enum Which: String, Codable, Sendable, CaseIterable {
    case latest, best
  }

  /// A loaded checkpoint.
  public struct Checkpoint: Sendable {
    public var manifest: Manifest
    public var tensors: [String: Safetensors.Tensor]
    public var url: URL

    init(manifest: Manifest, tensors: [String: Safetensors.Tensor], url: URL) {
      self.manifest = manifest
      self.tensors = tensors
      self.url = url
    }

    /// Parses a checkpoint file's bytes; `url` names it in errors.
    public init(decoding data: Data, url: URL) throws(EngineError) {
      let (tensors, metadata) = try Safetensors.decode(data, path: url.path)
      guard let text = metadata["seqgen.manifest"] else {
        throw .badCheckpoint(path: url.path, reason: "not a SeqGen checkpoint (no seqgen.manifest metadata)")
      }
      manifest = try Manifest.decode(Data(text.utf8), path: url.path)
      self.tensors = tensors
      self.url = url
    }
  }

  /// Creates the directory if needed.
  public func create() throws(EngineError) {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
      guard isDir.boolValue else { throw .io(path: url.path, reason: "exists and is not a directory") }
      return
    }
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .io(path: url.path, reason: "cannot create run directory: \(error.localizedDescription)")
    }
  }

  /// A run holds manifest.json or a latest checkpoint: a trainer killed between the first
  /// checkpoint's rename and the manifest's leaves only the checkpoint, which carries the manifest.
  public var exists: Bool {
    FileManager.default.fileExists(atPath: manifestURL.path) || FileManager.default.fileExists(atPath: latestURL.path)
  }

  /// Reads manifest.json (quick; no weights), or the latest checkpoint's copy when it is missing.
  public func manifest() throws(EngineError) -> Manifest {
    guard exists else { throw .notARun(path: url.path) }
    guard FileManager.default.fileExists(atPath: manifestURL.path) else { return try checkpoint(.latest).manifest }
    let data: Data
    do { data = try Data(contentsOf: manifestURL) } catch {
      throw .badCheckpoint(path: manifestURL.path, reason: "cannot read: \(error.localizedDescription)")
    }
    return try Manifest.decode(data, path: manifestURL.path)
  }

  /// Loads a checkpoint (from `CheckpointCache.shared` when it is on and the file unchanged);
  /// `best` falls back to the latest when no validation ever ran.
  public func checkpoint(_ which: Which = .latest) throws(EngineError) -> Checkpoint {
    guard exists else { throw .notARun(path: url.path) }
    var file = which == .best ? bestURL : latestURL
    if which == .best, !FileManager.default.fileExists(atPath: file.path) { file = latestURL }
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw .badCheckpoint(path: file.path, reason: "missing; the run has no checkpoint yet")
    }
    let url = file
    func load() throws(EngineError) -> Checkpoint {
      let data: Data
      do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
        throw .badCheckpoint(path: url.path, reason: "cannot read: \(error.localizedDescription)")
      }
      return try Checkpoint(decoding: data, url: url)
    }
    guard let cache = CheckpointCache.shared else { return try load() }
    return try cache.checkpoint(at: file, load: load)
  }

  /// Writes a checkpoint file atomically, then manifest.json if it is the latest.
  public func save(_ manifest: Manifest, tensors: [(name: String, tensor: Safetensors.Tensor)], as which: Which)
    throws(EngineError)
  {
    let manifestData = manifest.encoded()
    let data = Safetensors.encode(
      tensors, metadata: ["format": "pt", "seqgen.manifest": String(decoding: manifestData, as: UTF8.self)])
    try AtomicFile.write(data, to: which == .best ? bestURL : latestURL)
    if which == .latest { try AtomicFile.write(manifestData, to: manifestURL) }
  }
}

extension ParameterStore {
  /// The parameters as named tensors, under `prefix` (e.g. "optimizer.exp_avg.").
  func tensors(_ buffer: FloatBuffer, prefix: String = "") -> [(name: String, tensor: Safetensors.Tensor)] {
    entries.map { e in
      (
        prefix + e.name,
        Safetensors.Tensor(
          shape: e.shape, values: Array(UnsafeBufferPointer(start: buffer.pointer + e.offset, count: e.count)))
      )
    }
  }

  /// Fills `buffer` from named tensors, checking every name and shape.
  func load(_ buffer: FloatBuffer, from tensors: [String: Safetensors.Tensor], prefix: String = "", path: String)
    throws(EngineError)
  {
    for e in entries {
      guard let t = tensors[prefix + e.name] else {
        throw .badCheckpoint(path: path, reason: "tensor \(prefix + e.name) is missing")
      }
      guard t.shape == e.shape else {
        throw .badCheckpoint(path: path, reason: "tensor \(prefix + e.name) has shape \(t.shape), expected \(e.shape)")
      }
      guard t.values.allSatisfy(\.isFinite) else {
        throw .badCheckpoint(path: path, reason: "tensor \(prefix + e.name) holds non-finite values")
      }
      t.values.withUnsafeBufferPointer { (buffer.pointer + e.offset).update(from: $0.baseAddress!, count: e.count) }
    }
  }
}
