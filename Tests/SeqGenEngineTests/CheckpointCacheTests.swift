import Foundation
import SeqGenTestSupport
import Testing

@testable import SeqGenEngine

#if canImport(Glibc)
  import Glibc
#endif

/// The opt-in checkpoint cache: a second load of an unchanged file is served from memory; a
/// replaced file, or a full cache, loads again.
@Suite struct CheckpointCacheTests {
  /// A real run's manifest, with `step` written into it, as a checkpoint of `url`.
  func checkpoint(_ url: URL, step: Int, manifest: Manifest) -> RunDirectory.Checkpoint {
    var manifest = manifest
    manifest.progress.step = step
    return RunDirectory.Checkpoint(manifest: manifest, tensors: [:], url: url)
  }

  @Test func unchangedFilesAreServedFromMemory() throws {
    let dir = try TemporaryDirectory("seqgen-cache")
    defer { dir.remove() }
    let a = dir.at("a.safetensors")
    let b = dir.at("b.safetensors")
    try Data("one".utf8).write(to: a)
    try Data("two".utf8).write(to: b)
    let run = dir.at("run")
    try TrainerTests().trainer(run, steps: 4).run()
    let manifest = try RunDirectory(run).manifest()
    let cache = CheckpointCache(capacity: 1)
    var loads = 0
    func get(_ url: URL, _ step: Int) throws -> Int {
      try cache.checkpoint(at: url) { () throws(EngineError) -> RunDirectory.Checkpoint in
        loads += 1
        return checkpoint(url, step: step, manifest: manifest)
      }.manifest.progress.step
    }
    #expect(try get(a, 1) == 1 && loads == 1)
    #expect(try get(a, 99) == 1 && loads == 1, "served from memory")
    // Replaced by rename, as a trainer replaces its checkpoint: loaded again.
    let next = dir.at("next")
    try Data("one, later".utf8).write(to: next)
    #expect(rename(next.path, a.path) == 0)
    #expect(try get(a, 2) == 2 && loads == 2)
    // Capacity 1: another file evicts it.
    #expect(try get(b, 3) == 3 && loads == 3 && cache.count == 1)
    #expect(try get(a, 4) == 4 && loads == 4)
  }
}
