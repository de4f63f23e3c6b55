import CBLAS
import Dispatch
import Foundation

/// Splits work in two halves run on two threads, with OpenBLAS itself single-threaded.
///
/// On 2 cores, OpenBLAS's own threads synchronise (and spin) inside every small per-step
/// product of the recurrence. Independent streams need no synchronisation at all, so the
/// engine instead gives each thread half the batch for a whole chunk (and half the rows or
/// gate units of the big products). The split is always in two, on any machine, so results
/// do not depend on the core count; the halves run concurrently when there are cores for it.
public enum Parallel {
  public static let parts = 2

  /// Set once: OpenBLAS single-threaded; our own two threads if there are two cores.
  public static let concurrent: Bool = {
    openblas_set_num_threads(1)
    return ProcessInfo.processInfo.activeProcessorCount >= 2
  }()

  /// The k-th of `parts` contiguous pieces of 0..<count.
  @inline(__always)
  static func piece(_ k: Int, of count: Int) -> Range<Int> {
    (count * k / parts)..<(count * (k + 1) / parts)
  }

  /// Runs `body` on each non-empty piece of 0..<count (concurrently when worthwhile).
  public static func split(_ count: Int, minimum: Int = 2, _ body: (Range<Int>) -> Void) {
    if concurrent && count >= minimum {
      // The pieces write disjoint memory; the closure only looks unsafe to the compiler.
      withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { k in
          let range = piece(k, of: count)
          if !range.isEmpty { body(range) }
        }
      }
    } else {
      for k in 0..<parts {
        let range = piece(k, of: count)
        if !range.isEmpty { body(range) }
      }
    }
  }
}
