/// A model conditioned on a second sequence of class indices (one per training sequence), read
/// through Graves' soft attention window; saved in the manifest with the model's sizes.
public struct ConditionConfig: Codable, Sendable, Equatable {
  /// Classes a condition sequence is made of (C): the width of the one-hot rows the window
  /// weights.
  public var classes: Int
  /// Gaussians of the window (K).
  public var mixtures: Int

  public init(classes: Int, mixtures: Int) {
    self.classes = classes
    self.mixtures = mixtures
  }
}
