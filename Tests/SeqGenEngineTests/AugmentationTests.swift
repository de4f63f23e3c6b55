import Foundation
import Testing

@testable import SeqGenEngine

/// Augmentation on the fly: every epoch trains on fresh variants drawn from the run's seed,
/// validation keeps the data as read, and a resumed run rebuilds the epoch it stopped in.
@Suite struct AugmentationTests {
  func trainer(_ dir: URL, steps: Int, augmenting: Bool = true, seed: UInt64 = 5, resume: Bool = false) throws
    -> Trainer<CountingDomain>
  {
    var o = TrainerTests().options(steps: steps)
    o.seed = seed
    o.logEvery = 1  // a record per step, wherever a run is stopped
    return try Trainer(
      domain: CountingDomain(augmenting: augmenting), sequences: TrainerTests.sequences, dataPaths: ["a", "b"],
      options: o,
      run: RunDirectory(dir), resume: resume)
  }

  /// The inputs of the first chunk of each of the first `epochs` epochs, and the epochs' lengths in chunks.
  func epochStarts(_ t: Trainer<CountingDomain>, epochs: Int) throws -> (chunks: [[Int32]], lengths: [Int]) {
    var chunks: [[Int32]] = []
    var lengths: [Int] = []
    while chunks.count < epochs {
      _ = try t.trainStep()
      if t.batcher.position - t.batcher.epochStart == 1 {
        chunks.append((0..<(t.options.seqLength * t.options.batchSize)).map { t.chunk.indices[$0] })
        lengths.append(t.batcher.chunksPerEpoch)
      }
    }
    return (chunks, lengths)
  }

  @Test func everyEpochTrainsOnFreshVariantsAndAPlainRunRepeatsTheData() throws {
    let a = temporaryDirectory()
    let p = temporaryDirectory()
    defer { for d in [a, p] { try? FileManager.default.removeItem(at: d) } }
    let augmented = try epochStarts(trainer(a, steps: 1000), epochs: 3)
    #expect(augmented.chunks[0] != augmented.chunks[1])
    #expect(augmented.chunks[1] != augmented.chunks[2])
    #expect(Set(augmented.lengths).count > 1, "the variants' lengths differ, so each epoch has its own layout")
    let plain = try epochStarts(trainer(p, steps: 1000, augmenting: false), epochs: 3)
    #expect(plain.chunks[0] == plain.chunks[1])
    #expect(plain.chunks[1] == plain.chunks[2])
    #expect(Set(plain.lengths).count == 1)
  }

  @Test func theSameSeedDrawsTheSameVariants() throws {
    let a = temporaryDirectory()
    let b = temporaryDirectory()
    let c = temporaryDirectory()
    defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
    let first = try epochStarts(trainer(a, steps: 1000), epochs: 3)
    let again = try epochStarts(trainer(b, steps: 1000), epochs: 3)
    let other = try epochStarts(trainer(c, steps: 1000, seed: 6), epochs: 3)
    #expect(first.chunks == again.chunks)
    #expect(first.lengths == again.lengths)
    #expect(first.chunks != other.chunks)
  }

  @Test func validationIsNeverAugmented() throws {
    let a = temporaryDirectory()
    let p = temporaryDirectory()
    defer { for d in [a, p] { try? FileManager.default.removeItem(at: d) } }
    let augmented = try trainer(a, steps: 1000)
    let plain = try trainer(p, steps: 1000, augmenting: false)
    _ = try epochStarts(augmented, epochs: 2)
    #expect(augmented.validation.indices == plain.validation.indices)
    #expect(augmented.validation.targets == plain.validation.targets)
    #expect(augmented.validationLoss.natsPerStep.isFinite)
    // The manifest describes the data as read; only the training corpus is varied.
    #expect(augmented.manifest.data == plain.manifest.data)
    #expect(augmented.train.indices != plain.train.indices)
  }

  /// Stopped at an epoch's end or in the middle of the next, resumed into a third epoch: the
  /// same weights, moments, state and losses as a run that never stopped.
  @Test func anAugmentedRunResumesBitIdentically() throws {
    let straight = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: straight) }
    let full = try trainer(straight, steps: 75)
    let epochLength = full.chunksPerEpoch
    try full.run()
    #expect(full.batcher.epoch == 2, "the run crosses two epoch boundaries")
    for stop in [epochLength, epochLength + 17] {
      let split = temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: split) }
      try trainer(split, steps: stop).run()
      try trainer(split, steps: 75, resume: true).run()
      let ta = try RunDirectory(straight).checkpoint().tensors
      let tb = try RunDirectory(split).checkpoint().tensors
      #expect(ta.keys.sorted() == tb.keys.sorted())
      for (name, t) in ta {
        #expect(t.values.map(\.bitPattern) == tb[name]!.values.map(\.bitPattern), "stop \(stop): \(name)")
      }
      let ma = try MetricsLog(url: RunDirectory(straight).metricsURL, resumeAt: 1000).records
      let mb = try MetricsLog(url: RunDirectory(split).metricsURL, resumeAt: 1000).records
      #expect(ma.map(\.trainLoss) == mb.map(\.trainLoss), "stop \(stop)")
      #expect(ma.map(\.epoch) == mb.map(\.epoch), "stop \(stop)")
      let pa = try RunDirectory(straight).checkpoint().manifest.progress
      let pb = try RunDirectory(split).checkpoint().manifest.progress
      #expect(pa.cursor == pb.cursor && pa.epochIndex == pb.epochIndex && pa.epochStart == pb.epochStart)
    }
  }
}
