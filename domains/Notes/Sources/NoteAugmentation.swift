import SeqGenEngine

/// Performance RNN's data augmentation: every epoch, each training file is transposed by a
/// random whole number of semitones in ±`transpose` and stretched in time by a random factor in
/// 1 ± `stretch`, so each epoch sees fresh variants rather than a fixed set of copies.
///
/// Kept in the run's codec, so a resumed run continues with the same settings; the engine draws a
/// fresh seed per file and epoch (`SequenceDomain.augment`).
public struct NoteAugmentation: Codable, Sendable, Equatable {
  /// Largest transposition, in semitones (0…24).
  public var transpose: Int
  /// Largest relative change of tempo, as a fraction (0.05 = ±5%), in 0…0.5.
  public var stretch: Double

  public init(transpose: Int, stretch: Double) {
    self.transpose = transpose
    self.stretch = stretch
  }

  public func validate() throws(NoteError) {
    guard (0...24).contains(transpose) else {
      throw .notRepresentable("`transpose` must be in 0...24 semitones, got \(transpose)")
    }
    guard stretch >= 0, stretch <= 0.5 else {
      throw .notRepresentable("`stretch` must be in 0...50 percent, got \(stretch * 100)")
    }
  }

  /// One random variant of some notes, drawn from `seed`: all shifted by the same number of
  /// semitones and all times scaled by the same factor. Notes transposed out of 0…127 are dropped.
  public func variant(of notes: [Note], seed: UInt64) -> [Note] {
    var rng = SeededGenerator(seed: seed)
    let shift = transpose == 0 ? 0 : Int(rng.next() % UInt64(2 * transpose + 1)) - transpose
    let factor = 1 + stretch * (2 * rng.nextDouble() - 1)
    return notes.compactMap { n in
      guard (0...127).contains(n.pitch + shift) else { return nil }
      return Note(
        pitch: n.pitch + shift, velocity: n.velocity, start: n.start * factor, end: n.end * factor, channel: n.channel)
    }
  }
}
