import Foundation
import SeqGenEngine

/// What sets a corpus of scores (Bach chorales from music21) apart from the performances the
/// defaults are tuned on (the openMSX pieces): every note has one velocity, as a score written
/// out by notation software has, where a performance has dynamics (the openMSX fixture uses
/// 99 velocities). Both keep about four voices.
struct NoteCorpusStatistics: Equatable {
  /// The VELOCITY bins the corpus uses.
  var velocities: Int
  /// Notes sounding at once, time-weighted over the music (the `voices` control's measure).
  var voices: Double

  init(_ sequences: [SourceSequence<NoteEvent>], encoding: PerformanceEncoding) {
    var bins = Set<Int>()
    var held = 0.0
    var seconds = 0.0
    for s in sequences {
      for case .velocity(let b) in s.steps { bins.insert(b) }
      held += encoding.decode(s.steps, maxNoteSeconds: nil).reduce(0) { $0 + $1.duration }
      seconds += encoding.seconds(of: s.steps)
    }
    velocities = bins.count
    voices = seconds > 0 ? held / seconds : 0
  }
}

extension NoteDomain {
  /// A corpus of scores gets the chorales recipe (docs/notes.md, "Chorales").
  public func recipe(for split: CorpusSplit<NoteEvent>, codec: NoteCodec) -> TrainingRecipe? {
    let corpus = NoteCorpusStatistics(split.train, encoding: codec.encoding)
    guard corpus.velocities == 1 else { return nil }
    let wanted = Self.choralesAugmentation
    return TrainingRecipe(
      evidence: String(format: "every note has one velocity, and %.1f voices sound at once", corpus.voices),
      kind: "scores rather than performances", options: trainingDefaults,
      domainSettings: codec.augmentation == wanted
        ? [] : [("transpose", String(wanted.transpose)), ("stretch", Setting.show(wanted.stretch * 100))],
      outcome: "then generate at `temperature` 0.9 (docs/notes.md, \"Chorales\")")
  }

  /// The augmentation of the chorales recipe.
  static let choralesAugmentation = NoteAugmentation(transpose: 5, stretch: 0.5)
}
