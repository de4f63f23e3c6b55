import SeqGenEngine

/// Performance RNN's data augmentation — random transposition and time stretch — done as a
/// seeded static expansion of the corpus: each file is also included `copies` times, each copy
/// shifted by a whole number of semitones in ±`transpose` and stretched by a factor in 1 ± `stretch`.
///
/// The engine encodes the corpus once, so this is not a fresh draw every epoch as in Magenta;
/// the copies are fixed for the run (same seed, same copies).
public struct NoteAugmentation: Sendable, Equatable {
  /// Largest transposition, in semitones (0…24).
  public var transpose: Int
  /// Largest relative change of tempo, as a fraction (0.05 = ±5%), in 0…0.5.
  public var stretch: Double
  /// Augmented copies per file.
  public var copies: Int
  public var seed: UInt64

  public init(transpose: Int, stretch: Double, copies: Int, seed: UInt64) {
    self.transpose = transpose
    self.stretch = stretch
    self.copies = copies
    self.seed = seed
  }

  public func validate() throws(NoteError) {
    guard (0...24).contains(transpose) else { throw .notRepresentable("--transpose must be in 0...24 semitones, got \(transpose)") }
    guard stretch >= 0, stretch <= 0.5 else { throw .notRepresentable("--stretch must be in 0...50 percent, got \(stretch * 100)") }
    guard (1...32).contains(copies) else { throw .notRepresentable("--augment-copies must be in 1...32, got \(copies)") }
  }

  /// The copies of one file's notes. The draws depend on the seed and the file's path (a stable
  /// FNV-1a hash), not on the order files are read in. Notes transposed out of 0…127 are dropped.
  public func variants(of notes: [Note], source: String) -> [[Note]] {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in source.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    var rng = SeededGenerator(seed: seed ^ hash)
    var result: [[Note]] = []
    for _ in 0..<copies {
      let shift = transpose == 0 ? 0 : Int(rng.next() % UInt64(2 * transpose + 1)) - transpose
      let factor = 1 + stretch * (2 * rng.nextDouble() - 1)
      result.append(
        notes.compactMap { n in
          guard (0...127).contains(n.pitch + shift) else { return nil }
          return Note(pitch: n.pitch + shift, velocity: n.velocity, start: n.start * factor, end: n.end * factor, channel: n.channel)
        })
    }
    return result
  }
}
