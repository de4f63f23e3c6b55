/// Bounds the work in flight: at most `slots` generations run at once, at most `queue` more
/// wait their turn (first come, first served), and any request beyond that is turned away
/// at once (429) instead of piling up memory.
actor GenerationGate {
  let slots: Int
  let queue: Int
  private var running = 0
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(slots: Int, queue: Int) {
    self.slots = slots
    self.queue = queue
  }

  /// Waits for a slot; throws `busy` when the queue is full.
  func enter() async throws(PlaygroundError) {
    if running < slots {
      running += 1
      return
    }
    guard waiting.count < queue else { throw .busy }
    await withCheckedContinuation { waiting.append($0) }
  }

  /// Frees a slot for the next in the queue (which takes it over).
  func leave() {
    if waiting.isEmpty {
      running -= 1
    } else {
      waiting.removeFirst().resume()
    }
  }

  var load: (running: Int, waiting: Int) { (running, waiting.count) }
}
