import Foundation
import Testing

@testable import SeqGenEngine

/// A domain over integers, to test the engine's data handling without files.
struct CountingDomain: SequenceDomain {
  typealias Step = Int
  typealias Codec = Int
  typealias Head = CategoricalHead
  static let name = "counting"
  static let stepUnit = "number"
  func read(_ urls: [URL]) throws -> [SourceSequence<Int>] { [] }
  func makeCodec(for corpus: [SourceSequence<Int>]) throws -> Int { (corpus.flatMap(\.steps).max() ?? 0) + 1 }
  func inputKind(_ codec: Int) -> InputKind { .categorical(classes: codec) }
  func input(_ step: Int, codec: Int) throws -> StepInput { .index(step) }
  func target(_ step: Int, codec: Int) throws -> Int { step }
  func makeHead(_ codec: Int) -> CategoricalHead { CategoricalHead(classes: codec) }
  func step(from sample: Int, codec: Int) -> Int { sample }
  /// A zero resets the state, like a blank line in paragraph mode.
  func resetsState(before step: Int, after previous: Int, codec: Int) -> Bool { step == 0 }
  func prime(_ request: PrimeRequest, codec: Int) throws -> [Int] { [1] }
  func write(_ samples: [[Int]], codec: Int, to url: URL) throws {}
  /// Condition the model on each sequence's annotation, a list of digits 0…2.
  var conditioned = false
  func conditionClasses(_ codec: Int) -> Int? { conditioned ? 3 : nil }
  func condition(of sequence: SourceSequence<Int>, codec: Int) throws -> [Int] {
    guard let annotation = sequence.annotation else {
      throw EngineError.badData(path: sequence.source, reason: "has no annotation to condition on")
    }
    return annotation.compactMap { $0.wholeNumberValue }
  }
  /// Train on variants (`augment`) instead of the data itself.
  var augmenting = false
  func augments(_ codec: Int) -> Bool { augmenting }
  /// A variant that depends on the seed: the first 0, 40, 80 or 120 steps dropped (so epochs
  /// differ in length) and the numbers 1…5 rotated by seed % 5 (0 stays 0).
  func augment(_ sequence: SourceSequence<Int>, codec: Int, seed: UInt64) -> SourceSequence<Int> {
    let shift = Int(seed % 5)
    return SourceSequence(
      source: sequence.source,
      steps: sequence.steps.dropFirst(Int(seed % 4) * 40).map { $0 == 0 ? 0 : ($0 - 1 + shift) % 5 + 1 })
  }
}

@Suite struct BatcherTests {
  let domain = CountingDomain()

  func corpus(_ seqs: [[Int]]) throws -> EncodedCorpus<Int> {
    let s = seqs.enumerated().map { SourceSequence(source: "s\($0.offset)", steps: $0.element) }
    return try EncodedCorpus(s, domain: domain, codec: 100)
  }

  @Test func pairsNeverCrossSequencesAndMarkResets() throws {
    let c = try corpus([[1, 2, 3], [4, 0, 5]])
    #expect(c.indices == [1, 2, 4, 0])
    #expect(c.targets == [2, 3, 0, 5])
    #expect(c.resets == [true, false, true, true])
  }

  @Test func streamsAndChunksFollowCharRNNLayout() throws {
    // 12 pairs, 2 streams of 6, chunks of 3 → 2 chunks per epoch.
    let c = try corpus([Array(1...13)])
    var batcher = try Batcher(pairs: c.count, batchSize: 2, seqLength: 3)
    #expect(batcher.chunksPerEpoch == 2)
    let chunk = Chunk<Int>(kind: c.kind, capacity: 6)
    batcher.next(from: c, into: chunk)
    // Row r = t·B + b; stream 0 starts at pair 0 (input 1), stream 1 at pair 6 (input 7).
    #expect((0..<6).map { chunk.indices[$0] } == [1, 7, 2, 8, 3, 9])
    #expect(chunk.targets == [2, 8, 3, 9, 4, 10])
    #expect((0..<6).map { chunk.resets[$0] } == [true, true, false, false, false, false])
    batcher.next(from: c, into: chunk)
    #expect((0..<6).map { chunk.indices[$0] } == [4, 10, 5, 11, 6, 12])
    #expect((0..<6).map { chunk.resets[$0] } == [false, false, false, false, false, false])
    batcher.next(from: c, into: chunk)  // wraps: a new epoch starts from zero state
    #expect((0..<6).map { chunk.indices[$0] } == [1, 7, 2, 8, 3, 9])
    #expect((0..<2).map { chunk.resets[$0] } == [true, true])
    #expect(batcher.epoch == 1)
  }

  /// An augmented epoch may be longer or shorter than the last: it gets a layout of its own.
  @Test func eachEpochIsLaidOutForItsOwnCorpus() throws {
    let first = try corpus([Array(1...13)])
    let longer = try corpus([Array(1...25)])
    var batcher = try Batcher(pairs: first.count, batchSize: 2, seqLength: 3)
    let chunk = Chunk<Int>(kind: first.kind, capacity: 6)
    batcher.next(from: first, into: chunk)
    batcher.next(from: first, into: chunk)
    #expect(batcher.epochIsOver && batcher.epochProgress == 1)
    try batcher.startEpoch(pairs: longer.count)
    #expect(batcher.epoch == 1 && batcher.epochStart == 2 && batcher.chunksPerEpoch == 4)
    batcher.next(from: longer, into: chunk)
    // 24 pairs, 2 streams of 12: stream 1 starts at pair 12 (input 13), with the state zeroed.
    #expect((0..<6).map { chunk.indices[$0] } == [1, 13, 2, 14, 3, 15])
    #expect((0..<2).map { chunk.resets[$0] } == [true, true])
    #expect(batcher.epochProgress == 1.25)
    #expect(throws: EngineError.self) { try batcher.startEpoch(pairs: 5) }
  }

  @Test func corpusShorterThanOneBatchIsAClearError() throws {
    let c = try corpus([Array(1...10)])
    #expect(throws: EngineError.self) { try Batcher(pairs: c.count, batchSize: 32, seqLength: 50) }
  }

  /// Evaluation visits every pair exactly once, whatever the stream count.
  @Test(arguments: [1, 2, 3, 7]) func evaluationVisitsEveryPairOnce(batch: Int) throws {
    let c = try corpus([Array(1...20), [3, 4, 5, 6]])
    let chunk = Chunk<Int>(kind: c.kind, capacity: 4 * batch)
    var seen: [Int] = []
    Batcher.evaluationChunks(c, batchSize: batch, seqLength: 4, into: chunk) { chunk in
      for r in 0..<(chunk.steps * chunk.batch) { if let t = chunk.targets[r] { seen.append(t) } }
    }
    #expect(seen.sorted() == c.targets.sorted())
  }

  @Test func validationSplitTakesTheEndOfEachSequence() {
    let seqs = [SourceSequence(source: "a", steps: Array(0..<100)), SourceSequence(source: "b", steps: [1, 2])]
    let (train, val) = ValidationSplit.tail.split(seqs, fraction: 0.05)
    #expect(train.map(\.steps.count) == [95, 2])
    #expect(val.map(\.steps) == [Array(94..<100)])
  }

  /// Fifteen recordings of uneven lengths, like the speech fixture (one long one).
  var recordings: [SourceSequence<Int>] {
    [529, 360, 2760, 2575, 730, 875, 1645, 1645, 2455, 900, 760, 12695, 760, 950, 360].enumerated().map { i, n in
      SourceSequence(source: "f\(i)", steps: Array(repeating: i, count: n))
    }
  }

  @Test func fileSplitHoldsOutWholeFilesNearTheFraction() {
    let seqs = recordings
    let (train, val) = ValidationSplit.files.split(seqs, fraction: 0.05)
    let total = seqs.reduce(0) { $0 + $1.steps.count }
    let held = val.reduce(0) { $0 + $1.steps.count }
    // Whole files only, each exactly once, in corpus order; the first file and the long one train.
    #expect(Set(train.map(\.source)).isDisjoint(with: val.map(\.source)))
    #expect((train + val).map(\.source).sorted() == seqs.map(\.source).sorted())
    #expect(val.allSatisfy { v in seqs.contains { $0.source == v.source && $0.steps == v.steps } })
    #expect(val.count >= 2 && !val.map(\.source).contains("f0") && !val.map(\.source).contains("f11"))
    #expect(abs(Double(held) / Double(total) - 0.05) < 0.02)
    // A larger fraction holds out more, and still trains on most.
    let (train2, val2) = ValidationSplit.files.split(seqs, fraction: 0.2)
    let held2 = val2.reduce(0) { $0 + $1.steps.count }
    #expect(held2 > held && abs(Double(held2) / Double(total) - 0.2) < 0.05 && !train2.isEmpty)
  }

  @Test func fileSplitHoldsOutOneFileWhenNoneIsSmallEnough() {
    let seqs = [SourceSequence(source: "a", steps: Array(0..<100)), SourceSequence(source: "b", steps: Array(0..<100))]
    let (train, val) = ValidationSplit.files.split(seqs, fraction: 0.05)
    #expect(train.map(\.source) == ["a"] && val.map(\.source) == ["b"])
  }

  @Test func fileSplitOfOneFileFallsBackToItsTail() {
    let seqs = [SourceSequence(source: "a", steps: Array(0..<100)), SourceSequence(source: "tiny", steps: [7])]
    let (train, val) = ValidationSplit.files.split(seqs, fraction: 0.05)
    #expect(train.map(\.steps.count) == [95, 1])
    #expect(val.map(\.steps) == [Array(94..<100)])
    #expect(ValidationSplit.files.split(seqs, fraction: 0).validation.isEmpty)
  }
}

@Suite struct SamplingTests {
  let head = CategoricalHead(classes: 4)
  let logits: [Float] = [0.1, 2.0, 1.5, -1]

  func draws(_ controls: SamplingControls, n: Int = 4000) -> [Int] {
    var rng = SeededGenerator(seed: 42)
    var counts = [0, 0, 0, 0]
    logits.withUnsafeBufferPointer { p in
      for _ in 0..<n { counts[head.sample(p.baseAddress!, controls: controls, parameters: .none, rng: &rng)] += 1 }
    }
    return counts
  }

  @Test func argmaxTopK1AndTinyTopPAreGreedy() {
    #expect(draws(SamplingControls(argmax: true)) == [0, 4000, 0, 0])
    #expect(draws(SamplingControls(topK: 1)) == [0, 4000, 0, 0])
    #expect(draws(SamplingControls(topP: 0.01)) == [0, 4000, 0, 0])
  }

  @Test func topKExcludesTheRest() {
    let c = draws(SamplingControls(topK: 2))
    #expect(c[0] == 0 && c[3] == 0 && c[1] > c[2] && c[2] > 0)
  }

  @Test func samplesFollowTheSoftmax() {
    let c = draws(SamplingControls(), n: 20000)
    let z = logits.map { exp(Double($0)) }.reduce(0, +)
    for k in 0..<4 {
      #expect(abs(Double(c[k]) / 20000 - exp(Double(logits[k])) / z) < 0.015)
    }
    // Lower temperature sharpens.
    #expect(draws(SamplingControls(temperature: 0.2))[1] > c[1] / 5)
  }

  @Test func badControlsAreRejected() {
    #expect(throws: EngineError.self) { try SamplingControls(temperature: -1).validate() }
    #expect(throws: EngineError.self) { try SamplingControls(temperature: 0).validate() }
    #expect(throws: EngineError.self) { try SamplingControls(topK: 0).validate() }
    #expect(throws: EngineError.self) { try SamplingControls(topP: 1.5).validate() }
    #expect(throws: EngineError.self) { try SamplingControls(topP: 0).validate() }
  }

  @Test func generatorStateRoundTrips() {
    var a = SeededGenerator(seed: 9)
    _ = a.next()
    var b = SeededGenerator(words: a.words)!
    #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
    #expect(SeededGenerator(words: [0, 0, 0, 0]) == nil)
  }
}
