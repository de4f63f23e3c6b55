extension EncodedCorpus {
  /// The training corpus of one epoch of an augmented run: every sequence replaced by the
  /// domain's random variant of it.
  ///
  /// Each variant has a seed of its own, derived from the run's seed, the epoch and the
  /// sequence's place in the corpus, so every epoch draws afresh and a resumed run rebuilds
  /// exactly the epoch it stopped in; only one epoch's variants are held at a time.
  public init<D: SequenceDomain>(
    augmenting sequences: [SourceSequence<D.Step>], domain: D, codec: D.Codec, labels: [String] = [],
    runSeed: UInt64, epoch: Int
  ) throws where D.Head.Target == Target {
    let variants = sequences.enumerated().map { i, sequence in
      // The variant keeps its file's label whatever the domain builds it from.
      var variant = domain.augment(
        sequence, codec: codec, seed: Self.augmentationSeed(run: runSeed, epoch: epoch, sequence: i))
      variant.label = sequence.label
      return variant
    }
    try self.init(
      variants, domain: domain, codec: codec, labels: labels,
      leavingOutControls: Self.augmentationSeed(run: runSeed, epoch: epoch, sequence: sequences.count))
  }

  /// The seed of the variant of sequence `sequence` in `epoch`: SplitMix64 chained over the
  /// three numbers, so nearby runs, epochs and files get unrelated draws.
  static func augmentationSeed(run: UInt64, epoch: Int, sequence: Int) -> UInt64 {
    var g = SeededGenerator(seed: run ^ 0xA06E_4D00_0000_0000)
    g = SeededGenerator(seed: g.next() ^ UInt64(epoch))
    g = SeededGenerator(seed: g.next() ^ UInt64(sequence))
    return g.next()
  }
}
