import Foundation

/// A corpus turned into (input, target, reset) triples, one per predicted step.
///
/// A sequence of n steps gives n − 1 pairs (step i predicts step i + 1), so no target ever
/// crosses from one file to the next; the first pair of a sequence, and any pair the domain
/// marks, zeroes the state first.
public struct EncodedCorpus<Target: Sendable>: Sendable {
  public let kind: InputKind
  public private(set) var indices: [Int32] = []
  public private(set) var dense: [Float] = []
  public private(set) var targets: [Target] = []
  public private(set) var resets: [Bool] = []
  /// For a conditioned domain: every sequence's condition classes one after the other, and for
  /// each pair where its sequence's condition starts and how long it is. Empty otherwise.
  public private(set) var conditionClasses: [Int32] = []
  public private(set) var conditionStart: [Int32] = []
  public private(set) var conditionCount: [Int32] = []
  /// For a labelled run: each pair's index into the run's labels (`ModelConfig.labels`; −1: a
  /// sequence without a known label reads no label). Empty otherwise.
  public private(set) var labels: [Int32] = []
  /// Width of the domain's control rows, and each pair's row (pairs × width); empty without them.
  public let controlWidth: Int
  public private(set) var controls: [Float] = []

  public var count: Int { targets.count }

  /// - Parameters:
  ///   - labels: the run's labels when its model reads them (a sequence's `label` is looked up
  ///     in them); empty for a model without labels.
  ///   - leavingOutControls: a seed with which the domain leaves controls out at random
  ///     (training); nil gives every control (validation, evaluation).
  public init<D: SequenceDomain>(
    _ sequences: [SourceSequence<D.Step>], domain: D, codec: D.Codec, labels: [String] = [],
    leavingOutControls seed: UInt64? = nil
  ) throws
  where D.Head.Target == Target {
    kind = domain.inputKind(codec)
    controlWidth = domain.controlWidth(codec)
    let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
    // Sized once: growing by doubling would briefly hold up to twice the corpus.
    let pairs = sequences.reduce(0) { $0 + max($1.steps.count - 1, 0) }
    switch kind {
    case .categorical: indices.reserveCapacity(pairs)
    case .dense(let width): dense.reserveCapacity(pairs * width)
    }
    targets.reserveCapacity(pairs)
    resets.reserveCapacity(pairs)
    let conditionClasses = domain.conditionClasses(codec)
    if controlWidth > 0 { controls.reserveCapacity(pairs * controlWidth) }
    for (n, sequence) in sequences.enumerated() {
      let steps = sequence.steps
      guard steps.count >= 2 else { continue }
      do {
        if controlWidth > 0 {
          let rows = domain.controls(
            of: sequence, codec: codec, leavingOut: seed.map { Self.controlSeed(seed: $0, sequence: n) })
          precondition(rows.count == steps.count * controlWidth, "domain gave \(rows.count) control values")
          controls += rows[0..<((steps.count - 1) * controlWidth)]
        }
        if let conditionClasses {
          let condition = try domain.condition(of: sequence, codec: codec)
          precondition(condition.allSatisfy { $0 >= 0 && $0 < conditionClasses }, "condition class out of range")
          conditionStart += repeatElement(Int32(self.conditionClasses.count), count: steps.count - 1)
          conditionCount += repeatElement(Int32(condition.count), count: steps.count - 1)
          self.conditionClasses += condition.map { Int32($0) }
        }
        if !labels.isEmpty {
          self.labels += repeatElement(sequence.label.flatMap { labelIndex[$0] } ?? -1, count: steps.count - 1)
        }
        for i in 0..<(steps.count - 1) {
          switch (try domain.input(steps[i], codec: codec), kind) {
          case (.index(let k), .categorical(let classes)):
            precondition(k >= 0 && k < classes, "domain produced index \(k) outside \(classes) classes")
            indices.append(Int32(k))
          case (.dense(let row), .dense(let width)):
            precondition(row.count == width, "domain produced a row of \(row.count), expected \(width)")
            dense.append(contentsOf: row)
          default:
            preconditionFailure("domain input does not match its input kind")
          }
          targets.append(try domain.target(steps[i + 1], codec: codec))
          resets.append(i == 0 || domain.resetsState(before: steps[i], after: steps[i - 1], codec: codec))
        }
      } catch let error as EngineError {
        throw error
      } catch {
        throw EngineError.badData(path: sequence.source, reason: "\(error)")
      }
    }
  }

  /// Copies pair `p` into row `r` of a chunk.
  @inline(__always)
  func fill(_ chunk: Chunk<Target>, row r: Int, pair p: Int, forceReset: Bool) {
    switch kind {
    case .categorical: chunk.indices[r] = indices[p]
    case .dense(let width):
      dense.withUnsafeBufferPointer { src in
        (chunk.dense.pointer + r * width).update(from: src.baseAddress! + p * width, count: width)
      }
    }
    chunk.targets[r] = targets[p]
    chunk.resets[r] = resets[p] || forceReset
    if let condition = chunk.condition {
      condition.start[r] = conditionStart[p]
      condition.count[r] = conditionCount[p]
    }
    if chunk.labelWidth > 0 { chunk.setLabel(row: r, labels.isEmpty ? nil : Int(labels[p])) }
    if controlWidth > 0 {
      controls.withUnsafeBufferPointer { chunk.setDomainControls(row: r, $0.baseAddress! + p * controlWidth) }
    }
  }

  /// The seed with which sequence `sequence` leaves its controls out.
  static func controlSeed(seed: UInt64, sequence: Int) -> UInt64 {
    var g = SeededGenerator(seed: seed ^ 0xC047_2011_0000_0000)
    g = SeededGenerator(seed: g.next() ^ UInt64(sequence))
    return g.next()
  }

  /// Points a chunk's condition rows at this corpus's classes (before filling it).
  func attach(_ chunk: Chunk<Target>) {
    precondition((chunk.condition != nil) == !conditionStart.isEmpty || count == 0, "condition and chunk disagree")
    chunk.condition?.classes = conditionClasses
  }

  /// Fills row `r` of a chunk with padding: zero input, no target, no reset.
  @inline(__always)
  func pad(_ chunk: Chunk<Target>, row r: Int) {
    switch kind {
    case .categorical: chunk.indices[r] = 0
    case .dense(let width): (chunk.dense.pointer + r * width).update(repeating: 0, count: width)
    }
    chunk.targets[r] = nil
    chunk.resets[r] = false
    chunk.condition?.count[r] = 0
    if chunk.controlWidth > 0 {
      chunk.setLabel(row: r, nil)
      chunk.setDomainControls(row: r, nil)
    }
  }
}
