import SeqGenEngine

extension TrainingOptions {
  /// A one-layer model small enough to train in milliseconds, checkpointing once at the end.
  public static func tiny(hiddenSize: Int = 8, batchSize: Int = 2, seqLength: Int = 8, steps: Int) -> TrainingOptions {
    var o = TrainingOptions()
    o.hiddenSize = hiddenSize
    o.numLayers = 1
    o.batchSize = batchSize
    o.seqLength = seqLength
    o.steps = steps
    o.checkpointEvery = steps
    return o
  }
}
