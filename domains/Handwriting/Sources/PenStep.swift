import SeqGenEngine

/// One step of handwriting (Graves 2013, section 4): the pen's offset from the previous point,
/// in the data's own coordinate units, and whether this point ends a pen-down stroke; the same
/// value the mixture-density head predicts (in normalised units).
///
/// The first step of a sequence is (0, 0, false): the first point, whose absolute position is
/// not modelled (only shapes are, not where on the page they start).
public typealias PenStep = MixtureDensityHead.Point

extension PenStep {
  /// The step that starts every sequence and the default prime.
  public static let start = PenStep(dx: 0, dy: 0, eos: false)
}
