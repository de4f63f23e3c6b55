/// One step of handwriting (Graves 2013, section 4): the pen's offset from the previous point,
/// in the data's own coordinate units, and whether this point ends a pen-down stroke.
///
/// The first step of a sequence is (0, 0, false): the first point, whose absolute position is
/// not modelled (only shapes are, not where on the page they start).
public struct PenStep: Sendable, Equatable, Hashable {
  public var dx: Float
  public var dy: Float
  /// True on the last point of each stroke: the offset to the next point is a pen-up move.
  public var eos: Bool

  public init(dx: Float, dy: Float, eos: Bool) {
    self.dx = dx
    self.dy = dy
    self.eos = eos
  }

  /// The step that starts every sequence and the default prime.
  public static let start = PenStep(dx: 0, dy: 0, eos: false)
}
