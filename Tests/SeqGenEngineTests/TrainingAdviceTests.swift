import Testing

@testable import SeqGenEngine

/// The advice lines: parameters against corpus size, and a validation curve that stopped improving.
@Suite struct TrainingAdviceTests {
  func progress(step: Int, best: Int?, bestLoss: Double?, latest: Double?) -> Manifest.Progress {
    Manifest.Progress(
      step: step, totalSteps: 1000, adamSteps: step, cursor: step, epoch: 0, rng: [], trainLoss: nil,
      validationLoss: latest, bestValidationLoss: bestLoss, bestStep: best, elapsedSeconds: 0)
  }

  @Test func sizesFollowCharRNNsRuleOfThumb() {
    var options = TrainingOptions()
    options.numLayers = 2
    let big = TrainingAdvice.sizes(parameters: 500_000, steps: 10_000, unit: "char", options: options, augments: false)
    #expect(big.contains("(50×)") && big.contains("memorise") && big.contains("`dropout`"), "\(big)")
    #expect(big.contains("augmentation"))
    let augmented = TrainingAdvice.sizes(
      parameters: 500_000, steps: 10_000, unit: "char", options: options, augments: true)
    #expect(!augmented.contains("augmentation"), "\(augmented)")
    let even = TrainingAdvice.sizes(
      parameters: 900_000, steps: 1_000_000, unit: "char", options: options, augments: false)
    #expect(even.contains("same order") && !even.contains("memorise"), "\(even)")
    let small = TrainingAdvice.sizes(
      parameters: 10_000, steps: 1_000_000, unit: "event", options: options, augments: false)
    #expect(small.contains("1/100 of") && small.contains("larger model"), "\(small)")
  }

  @Test func overfittingNeedsPatienceAndARise() {
    // Three checkpoints without a better loss, 10% above the best: overfitting.
    let risen = TrainingAdvice.overfitting(
      progress(step: 400, best: 100, bestLoss: 1, latest: 1.1), checkpointEvery: 100)
    #expect(risen?.contains("3 checkpoints and is 10% above its best (step 100)") == true, "\(risen ?? "nil")")
    // Two checkpoints: too soon.
    #expect(
      TrainingAdvice.overfitting(progress(step: 300, best: 100, bestLoss: 1, latest: 1.1), checkpointEvery: 100) == nil)
    // Hovering at the best: not a rise.
    #expect(
      TrainingAdvice.overfitting(progress(step: 900, best: 100, bestLoss: 1, latest: 1.005), checkpointEvery: 100)
        == nil)
    // No validation ran.
    #expect(
      TrainingAdvice.overfitting(progress(step: 900, best: nil, bestLoss: nil, latest: nil), checkpointEvery: 100)
        == nil)
  }

  /// A run that once waited long for a best it then reached is given longer before it is told.
  @Test func patienceGrowsWithTheRunsOwnHistory() {
    let p = progress(step: 1000, best: 600, bestLoss: 1.0, latest: 1.05)
    #expect(TrainingAdvice.overfitting(p, checkpointEvery: 100) != nil)
    let patience = TrainingAdvice.patience(longestWait: 3)
    #expect(patience == 6)
    #expect(TrainingAdvice.overfitting(p, checkpointEvery: 100, patience: patience) == nil)
    #expect(TrainingAdvice.patience(longestWait: 0) == TrainingAdvice.patience)
  }
}

/// A domain's recipe for an unusual corpus is advised while the run differs from it.
@Suite struct TrainingRecipeAdviceTests {
  @Test func advisedUntilTheRunFollowsIt() throws {
    let defaults = TrainingOptions()
    var wanted = defaults
    wanted.hiddenSize = 256
    wanted.steps = 8000
    wanted.dropout = 0.25
    let recipe = TrainingRecipe(evidence: "why", kind: "a kind", options: wanted, outcome: "what it did")
    let advice = try #require(TrainingAdvice.recipe(recipe, defaults: defaults, run: defaults))
    #expect(
      advice == "advice: this corpus looks like a kind (why), not what the defaults are tuned on: try "
        + "`dropout` 0.25, `hiddenSize` 256, `steps` 8000; what it did")
    // Partly followed: still advised, with every setting of the recipe.
    var partly = defaults
    partly.hiddenSize = 256
    #expect(TrainingAdvice.recipe(recipe, defaults: defaults, run: partly) == advice)
    // Followed (other settings changed as well): nothing to say.
    var followed = wanted
    followed.seed = 7
    #expect(TrainingAdvice.recipe(recipe, defaults: defaults, run: followed) == nil)
  }
}
