import Foundation
import Testing

@testable import SeqGenEngine

/// Training-loop guarantees: exact resume, determinism, the NaN guard, atomic checkpoints.
@Suite struct TrainerTests {
  /// A learnable sequence over 6 symbols (a noisy cycle), in two "files".
  static let sequences: [SourceSequence<Int>] = {
    var rng = SeededGenerator(seed: 2024)
    func make(_ n: Int) -> [Int] {
      var s: [Int] = []
      var x = 1
      for _ in 0..<n {
        x = rng.nextFloat() < 0.8 ? (x % 5) + 1 : Int(rng.next() % 6)
        s.append(x)
      }
      return s
    }
    return [SourceSequence(source: "a", steps: make(700)), SourceSequence(source: "b", steps: make(500))]
  }()

  func options(steps: Int) -> TrainingOptions {
    var o = TrainingOptions()
    o.hiddenSize = 8
    o.numLayers = 2
    o.seqLength = 10
    o.batchSize = 4
    o.dropout = 0.25
    o.steps = steps
    o.checkpointEvery = 4
    o.logEvery = 2
    o.seed = 5
    return o
  }

  func trainer(_ dir: URL, steps: Int, resume: Bool = false) throws -> Trainer<CountingDomain> {
    try Trainer(
      domain: CountingDomain(), sequences: Self.sequences, dataPaths: ["a", "b"], options: options(steps: steps),
      run: RunDirectory(dir), resume: resume)
  }

  @Test func resumedRunIsBitIdenticalToAnUninterruptedOne() throws {
    let straight = temporaryDirectory()
    let split = temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: straight)
      try? FileManager.default.removeItem(at: split)
    }
    try trainer(straight, steps: 22).run()
    try trainer(split, steps: 10).run()
    try trainer(split, steps: 22, resume: true).run()
    let a = try Data(contentsOf: RunDirectory(straight).latestURL)
    let b = try Data(contentsOf: RunDirectory(split).latestURL)
    let ta = try Safetensors.decode(a, path: "a").tensors
    let tb = try Safetensors.decode(b, path: "b").tensors
    #expect(ta.keys.sorted() == tb.keys.sorted())
    for (name, t) in ta { #expect(t.values.map(\.bitPattern) == tb[name]!.values.map(\.bitPattern), "\(name)") }
    // The metrics of the resumed run continue where the first part stopped, without repeats.
    let ma = try MetricsLog(url: RunDirectory(straight).metricsURL, resumeAt: 1000).records
    let mb = try MetricsLog(url: RunDirectory(split).metricsURL, resumeAt: 1000).records
    #expect(ma.map(\.step) == mb.map(\.step))
    #expect(ma.map(\.trainLoss) == mb.map(\.trainLoss))
    // (The split run also validated at step 10, where its first part ended.)
    #expect(ma.filter { $0.step != 10 }.map(\.validationLoss) == mb.filter { $0.step != 10 }.map(\.validationLoss))
  }

  @Test func sameSeedSameRunDifferentSeedDifferentRun() throws {
    let a = temporaryDirectory()
    let b = temporaryDirectory()
    let c = temporaryDirectory()
    defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
    try trainer(a, steps: 8).run()
    try trainer(b, steps: 8).run()
    var other = options(steps: 8)
    other.seed = 6
    try Trainer(
      domain: CountingDomain(), sequences: Self.sequences, dataPaths: [], options: other, run: RunDirectory(c),
      resume: false
    ).run()
    let weights = { (d: URL) in
      try Safetensors.decode(Data(contentsOf: RunDirectory(d).latestURL), path: "").tensors["decoder.weight"]!.values
    }
    #expect(try weights(a) == weights(b))
    #expect(try weights(a) != weights(c))
  }

  @Test func trainingLowersTheLoss() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var o = options(steps: 120)
    o.dropout = 0
    o.learningRate = 1e-2
    o.checkpointEvery = 120
    let t = try Trainer(
      domain: CountingDomain(), sequences: Self.sequences, dataPaths: [], options: o, run: RunDirectory(dir),
      resume: false)
    let before = t.validationLoss.natsPerStep
    try t.run()
    let after = t.validationLoss.natsPerStep
    #expect(before > log(6) - 0.2)
    #expect(after < before - 0.5, "validation loss \(before) → \(after)")
  }

  /// NaN gradients are rejected; after `maxRejectedSteps` in a row training stops with a
  /// clear error, and the last good checkpoint is exactly what it was.
  @Test func nanGuardKeepsTheLastGoodCheckpoint() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try trainer(dir, steps: 4).run()
    let before = try Data(contentsOf: RunDirectory(dir).latestURL)
    let t = try trainer(dir, steps: 40, resume: true)
    t.injectNaNGradient = true
    var rejected = 0
    #expect(throws: EngineError.self) {
      try t.run { if case .rejected = $0 { rejected += 1 } }
    }
    #expect(rejected == t.maxRejectedSteps)
    #expect(try Data(contentsOf: RunDirectory(dir).latestURL) == before)
    #expect(try RunDirectory(dir).checkpoint().manifest.progress.step == 4)
  }

  @Test func existingRunIsNotOverwrittenWithoutResume() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try trainer(dir, steps: 4).run()
    let before = try Data(contentsOf: RunDirectory(dir).latestURL)
    #expect(throws: EngineError.self) { try trainer(dir, steps: 8) }
    #expect(try Data(contentsOf: RunDirectory(dir).latestURL) == before)
  }

  @Test func generationIsSeededAndPrimed() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try trainer(dir, steps: 8).run()
    let g = try Generator(domain: CountingDomain(), checkpoint: RunDirectory(dir).checkpoint())
    let a = try g.generate(prime: [1, 2, 3], length: 30, count: 3, controls: SamplingControls(), seed: 1)
    let b = try g.generate(prime: [1, 2, 3], length: 30, count: 3, controls: SamplingControls(), seed: 1)
    let c = try g.generate(prime: [1, 2, 3], length: 30, count: 3, controls: SamplingControls(), seed: 2)
    #expect(a == b)
    #expect(a != c)
    #expect(a.allSatisfy { $0.count == 30 })
    // A batch of samples equals the same samples drawn one at a time only in distribution, but
    // greedy decoding is the same for every member of the batch.
    let greedy = try g.generate(
      prime: [1, 2, 3], length: 20, count: 2, controls: SamplingControls(argmax: true), seed: 1)
    #expect(greedy[0] == greedy[1])
  }
}

@Suite struct RunLockTests {
  @Test func oneTrainerPerRunAndTheLockEndsWithIt() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var o = TrainingOptions()
    o.hiddenSize = 4
    o.numLayers = 1
    o.batchSize = 2
    o.seqLength = 5
    o.steps = 2
    var first: Trainer<CountingDomain>? = try Trainer(
      domain: CountingDomain(), sequences: TrainerTests.sequences, dataPaths: [], options: o, run: RunDirectory(dir),
      resume: false)
    try first?.run()
    o.steps = 4
    #expect(throws: EngineError.self) {
      try Trainer(
        domain: CountingDomain(), sequences: TrainerTests.sequences, dataPaths: [], options: o, run: RunDirectory(dir),
        resume: true)
    }
    first = nil
    _ = try Trainer(
      domain: CountingDomain(), sequences: TrainerTests.sequences, dataPaths: [], options: o, run: RunDirectory(dir),
      resume: true)
  }

  @Test func aFailedSetupLeavesNoEmptyRunFolder() {
    let dir = temporaryDirectory().appendingPathComponent("new-run")
    defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
    var o = TrainingOptions()
    o.batchSize = 1000
    #expect(throws: EngineError.self) {
      try Trainer(
        domain: CountingDomain(), sequences: TrainerTests.sequences, dataPaths: [], options: o, run: RunDirectory(dir),
        resume: false)
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path))
  }
}
