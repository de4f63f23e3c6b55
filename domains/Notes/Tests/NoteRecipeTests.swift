import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import NoteDomain

/// The pre-training advice for a corpus of scores (one velocity, as Bach chorales from
/// music21 have) that the defaults, tuned on performances, do not suit.
@Suite struct NoteRecipeTests {
  @Test func scoresGetTheChoralesRecipeAndPerformancesNone() throws {
    let domain = NoteDomain()
    let performances = try domain.read([Fixtures.openmsx])
    let codec = try domain.makeCodec(for: performances)
    let played = CorpusSplit(train: performances, validation: [])
    #expect(NoteCorpusStatistics(performances, encoding: codec.encoding).velocities > 1)
    #expect(domain.recipe(for: played, codec: codec) == nil)

    // The same music written out as a score: every VELOCITY event the same.
    let scores = performances.map { piece in
      SourceSequence(
        source: piece.source,
        steps: piece.steps.map { if case .velocity = $0 { NoteEvent.velocity(bin: 20) } else { $0 } })
    }
    let statistics = NoteCorpusStatistics(scores, encoding: codec.encoding)
    #expect(statistics.velocities == 1)
    #expect((2...8).contains(statistics.voices), "\(statistics)")
    let recipe = try #require(domain.recipe(for: CorpusSplit(train: scores, validation: []), codec: codec))
    let advice = try #require(
      TrainingAdvice.recipe(recipe, defaults: domain.trainingDefaults, run: domain.trainingDefaults))
    #expect(advice.contains("one velocity") && advice.contains("`transpose` 5, `stretch` 50"), "\(advice)")
    #expect(advice.contains("`temperature` 0.9"), "\(advice)")

    // A run that already augments so is told nothing.
    var augmented = NoteDomain()
    augmented.augmentation = NoteDomain.choralesAugmentation
    let augmentedCodec = try augmented.makeCodec(for: scores)
    let followed = try #require(
      augmented.recipe(for: CorpusSplit(train: scores, validation: []), codec: augmentedCodec))
    #expect(TrainingAdvice.recipe(followed, defaults: domain.trainingDefaults, run: domain.trainingDefaults) == nil)
  }
}
