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

extension ValidationSplit {
  /// The corpus split into training and validation sequences, about `fraction` of the steps
  /// held out.
  public func split<Step>(_ sequences: [SourceSequence<Step>], fraction: Double)
    -> (train: [SourceSequence<Step>], validation: [SourceSequence<Step>])
  {
    guard fraction > 0 else { return (sequences, []) }
    switch self {
    case .tail: return Self.splitTails(sequences, fraction: fraction)
    case .files: return Self.splitFiles(sequences, fraction: fraction) ?? Self.splitTails(sequences, fraction: fraction)
    }
  }

  /// Splits every sequence: the last `fraction` of its steps go to validation.
  ///
  /// The validation part starts one step early so that every step after the split point is
  /// predicted exactly once; a sequence too short to give both parts two steps stays in training.
  static func splitTails<Step>(_ sequences: [SourceSequence<Step>], fraction: Double)
    -> (train: [SourceSequence<Step>], validation: [SourceSequence<Step>])
  {
    var train: [SourceSequence<Step>] = []
    var validation: [SourceSequence<Step>] = []
    for s in sequences {
      let n = s.steps.count
      let held = Int((Double(n) * fraction).rounded())
      if held >= 1, n - held >= 2 {
        let k = n - held
        var head = s
        head.steps = Array(s.steps[..<k])
        var tail = s
        tail.steps = Array(s.steps[(k - 1)...])
        train.append(head)
        validation.append(tail)
      } else {
        train.append(s)
      }
    }
    return (train, validation)
  }

  /// Holds out whole sequences: walking the corpus in order, a sequence goes to validation when
  /// that keeps the held-out steps closest to `fraction` of the steps seen so far, so the picks
  /// spread through the corpus and one long file is not held out unless it must. The first
  /// sequence always trains; nil when there are fewer than two usable sequences.
  static func splitFiles<Step>(_ sequences: [SourceSequence<Step>], fraction: Double)
    -> (train: [SourceSequence<Step>], validation: [SourceSequence<Step>])?
  {
    let usable = sequences.filter { $0.steps.count >= 2 }
    guard usable.count >= 2 else { return nil }
    var train: [SourceSequence<Step>] = []
    var validation: [SourceSequence<Step>] = []
    var seen = 0.0
    var held = 0.0
    for s in usable {
      let n = Double(s.steps.count)
      seen += n
      if !train.isEmpty, held + n / 2 <= fraction * seen {
        validation.append(s)
        held += n
      } else {
        train.append(s)
      }
    }
    if validation.isEmpty, train.count >= 2 {
      // Nothing was small enough: hold out the sequence nearest the wanted size (not the first).
      let wanted = fraction * seen
      let k = (1..<train.count).min {
        abs(Double(train[$0].steps.count) - wanted) < abs(Double(train[$1].steps.count) - wanted)
      }!
      validation.append(train.remove(at: k))
    }
    return (train, validation)
  }
}
