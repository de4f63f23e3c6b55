import SeqGenEngine
import Testing

/// What a resumed run takes from the options given at resume.
@Suite struct TrainingOptionsTests {
  var run: TrainingOptions {
    var o = TrainingOptions()
    (o.hiddenSize, o.steps, o.learningRate) = (64, 8000, 8e-3)
    return o
  }

  @Test func nothingGivenKeepsTheRunsOwnIncludingItsTarget() throws {
    var given = TrainingOptions()
    given.steps = 1500  // a domain's default, not given by the user
    let (options, changes) = try run.resumed(with: given, given: [])
    #expect(options == run && changes.isEmpty)
  }

  @Test func changeableSettingsAreAppliedAndListed() throws {
    var new = run
    (new.steps, new.learningRate, new.checkpointEvery) = (9000, 4e-3, 100)
    let (options, changes) = try run.resumed(with: new, given: ["steps", "learningRate", "checkpointEvery"])
    #expect(options.steps == 9000 && options.learningRate == 4e-3 && options.checkpointEvery == 100)
    #expect(changes.map(\.name) == ["checkpointEvery", "learningRate", "steps"])
    var byEpochs = run
    byEpochs.epochs = 3
    let (epochs, _) = try run.resumed(with: byEpochs, given: ["epochs"])
    #expect(epochs.epochs == 3 && epochs.steps == nil)
  }

  @Test func fixedSettingsAreRefusedOnlyWithAnotherValue() throws {
    var same = run
    same.steps = nil
    #expect(try run.resumed(with: same, given: ["hiddenSize"]).0.hiddenSize == 64)
    var other = run
    other.hiddenSize = 128
    #expect(throws: EngineError.self) { try run.resumed(with: other, given: ["hiddenSize"]) }
    other = run
    other.seed = 9
    #expect(throws: EngineError.self) { try run.resumed(with: other, given: ["seed"]) }
  }
}
