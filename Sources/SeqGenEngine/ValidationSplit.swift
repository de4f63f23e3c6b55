/// Which steps of the corpus are held out for validation.
///
/// `tail` (char-rnn's habit) suits long texts, where the end of a file is like the rest of it.
/// It misleads for short recordings: the last 5% of a voice prompt is its fade-out and trailing
/// silence, so a model that predicts silence well scored best and its clips stayed silent. For
/// such corpora `files` holds out whole files instead, as SampleRNN and WaveNet do.
public enum ValidationSplit: String, Codable, Sendable, CaseIterable {
  /// The last fraction of every sequence.
  case tail
  /// Whole sequences, spread through the (sorted) corpus, about the fraction of all steps.
  case files
}
