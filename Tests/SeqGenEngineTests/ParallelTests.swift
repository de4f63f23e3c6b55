import Foundation
import Testing

@testable import SeqGenEngine

/// The two-way split: every index is visited exactly once, also with splits inside splits and
/// splits from many threads at once (the worker runs one at a time; the rest run serially).
@Suite struct ParallelTests {
  /// Counts visits of 0..<count through `Parallel.split`, each piece writing only its own slots.
  func visits(_ count: Int, nested: Bool) -> [Int] {
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0)
    Parallel.split(count) { part in
      if nested {
        Parallel.split(part.count) { inner in for i in inner { counts[part.lowerBound + i] += 1 } }
      } else {
        for i in part { counts[i] += 1 }
      }
    }
    return Array(counts)
  }

  @Test func everyIndexOnceInManyQuickSplits() {
    for round in 0..<20_000 {
      let count = round % 7
      #expect(visits(count, nested: round % 2 == 0) == Array(repeating: 1, count: count), "round \(round)")
    }
  }

  @Test func splitsFromManyThreadsAtOnce() async {
    await withTaskGroup(of: Bool.self) { group in
      for t in 0..<8 {
        group.addTask {
          (0..<2_000).allSatisfy {
            visits(5 + (t + $0) % 50, nested: $0 % 3 == 0) == Array(repeating: 1, count: 5 + (t + $0) % 50)
          }
        }
      }
      for await ok in group { #expect(ok) }
    }
  }
}
