/// One step of the audio domain: the quantised levels of `frameSize` consecutive samples, and
/// of the `window` samples just before them, which the head's sample-level window reads for the
/// frame's first samples (so a frame carries its own history, as a target must).
public struct AudioFrame: Sendable, Equatable {
  /// Levels in 0..<codec.levels, one per sample.
  public var levels: [Int]
  /// The levels of the `codec.window` samples before the frame, oldest first (the silence level
  /// before the start of a file). The LSTM does not read them; the head does.
  public var context: [Int]

  public init(levels: [Int], context: [Int] = []) {
    self.levels = levels
    self.context = context
  }
}
