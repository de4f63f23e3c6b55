/// One step of the audio domain: the quantised levels of `frameSize` consecutive samples.
public struct AudioFrame: Sendable, Equatable {
  /// Levels in 0..<codec.levels, one per sample.
  public var levels: [Int]

  public init(levels: [Int]) { self.levels = levels }
}
