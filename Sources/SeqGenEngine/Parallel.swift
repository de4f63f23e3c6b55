import CBLAS
import Foundation
import Synchronization

/// Splits work in two halves run on two threads, with OpenBLAS itself single-threaded.
///
/// On 2 cores, OpenBLAS's own threads synchronise (and spin) inside every small per-step
/// product of the recurrence. Independent streams need no synchronisation at all, so the
/// engine instead gives each thread half the batch for a whole chunk (and half the rows or
/// gate units of the big products). The split is always in two, on any machine, so results
/// do not depend on the core count; the halves run concurrently when there are cores for it.
///
/// The second half runs on one long-lived `Worker` thread that spins briefly before it sleeps:
/// batch-1 generation makes a few splits per character, each only microseconds of work, and
/// waking a dispatch worker for each cost more than the half it saved.
public enum Parallel {
  public static let parts = 2

  /// Set once: OpenBLAS single-threaded; our own second thread if there are two cores.
  public static let concurrent: Bool = {
    openblas_set_num_threads(1)
    return cores >= 2
  }()

  /// The cores this process may run on: on Linux its affinity mask, which `taskset` and
  /// `mpirun --bind-to core` narrow (a process bound to one core gains nothing from a second
  /// thread and loses to its spinning), else every core.
  public static let cores: Int = {
    #if os(Linux)
      // "Cpus_allowed:\tff,ffffffff": the mask as hex digits.
      if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
      {
        let count = line.dropFirst("Cpus_allowed:".count).reduce(0) {
          $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount
        }
        if count > 0 { return min(count, ProcessInfo.processInfo.activeProcessorCount) }
      }
    #endif
    return ProcessInfo.processInfo.activeProcessorCount
  }()

  /// Whether a split may use the second thread: off while this process shares the machine's
  /// cores with other processes of a parallel job (`shareCores(among:)`).
  private static let secondThreadAllowed = Atomic<Bool>(true)

  /// Tells the engine that `processes` processes (this one included) train on this machine's
  /// cores: the second thread is used only if each still has two cores to itself.
  public static func shareCores(among processes: Int) {
    secondThreadAllowed.store(cores / max(processes, 1) >= 2, ordering: .relaxed)
  }

  static let worker = Worker()

  /// The k-th of `parts` contiguous pieces of 0..<count.
  @inline(__always)
  static func piece(_ k: Int, of count: Int) -> Range<Int> {
    (count * k / parts)..<(count * (k + 1) / parts)
  }

  /// Runs `body` on each non-empty piece of 0..<count (concurrently when worthwhile). A split
  /// inside a split, or from another thread while one runs, runs its pieces in turn.
  public static func split(_ count: Int, minimum: Int = 2, _ body: (Range<Int>) -> Void) {
    let first = piece(0, of: count)
    let second = piece(1, of: count)
    // The pieces write disjoint memory; the closure only looks unsafe to the compiler.
    if concurrent && count >= minimum && !second.isEmpty, secondThreadAllowed.load(ordering: .relaxed), worker.claim() {
      withoutActuallyEscaping(body) { body in
        worker.run(body, on: second, while: { body(first) })
      }
    } else {
      if !first.isEmpty { body(first) }
      if !second.isEmpty { body(second) }
    }
  }
}

/// One extra thread that runs the second half of a split. The caller posts a job by bumping
/// `posted`; the worker spins on it for a while after each job (splits come in bursts), then
/// sleeps on a semaphore until the next post. Whoever claims a posted job first runs it: a
/// caller done with its own half takes the other half back when the worker has not started
/// it (asleep, or without a core on a busy machine), so a split is never slower than serial.
final class Worker: @unchecked Sendable {
  private let busy = Atomic<Bool>(false)
  private let posted = Atomic<Int>(0)
  private let claimed = Atomic<Int>(0)
  private let finished = Atomic<Int>(0)
  private let sleeping = Atomic<Bool>(false)
  private let wake = DispatchSemaphore(value: 0)
  /// Set by the caller before it bumps `posted`, read by the worker after it sees the bump.
  private var job: ((Range<Int>) -> Void)?
  private var range = 0..<0
  /// Checks of `posted` before sleeping: about 50 µs.
  private let spins = 20_000

  init() {
    let thread = Thread { [unowned self] in self.loop() }
    thread.name = "seqgen-worker"
    thread.start()
  }

  /// Takes the worker for one split; false when a split already holds it.
  func claim() -> Bool { busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged }

  /// Runs `body` on `range` on the worker while `local` runs here; returns when both are done.
  func run(_ body: @escaping (Range<Int>) -> Void, on range: Range<Int>, while local: () -> Void) {
    job = body
    self.range = range
    let ticket = posted.add(1, ordering: .sequentiallyConsistent).newValue
    if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
    local()
    if take(ticket) {
      body(range)
    } else {
      var waits = 0
      while finished.load(ordering: .acquiring) != ticket {
        waits += 1
        if waits > 1000 { sched_yield() }  // the worker may be waiting for this core
      }
    }
    job = nil
    busy.store(false, ordering: .releasing)
  }

  private func loop() {
    var seen = 0
    while true {
      var idle = 0
      while posted.load(ordering: .acquiring) == seen {
        idle += 1
        if idle < spins { continue }
        // A post between the store and the re-check is seen by one side or the other; an
        // extra signal only costs one more turn round this loop.
        sleeping.store(true, ordering: .sequentiallyConsistent)
        if posted.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
        sleeping.store(false, ordering: .sequentiallyConsistent)
        idle = 0
      }
      seen = posted.load(ordering: .acquiring)
      if take(seen) {
        job?(range)
        finished.store(seen, ordering: .releasing)
      }
    }
  }

  /// Claims job `ticket` for the calling thread; false if the other thread has it.
  private func take(_ ticket: Int) -> Bool {
    claimed.compareExchange(expected: ticket - 1, desired: ticket, ordering: .acquiringAndReleasing).exchanged
  }
}
