import ArgumentParser
import Foundation
import SeqGenEngine

/// Flags every `seqgen train <domain>` command shares.
public struct TrainFlags: ParsableArguments {
  public init() {}

  @Option(
    name: .long, parsing: .upToNextOption,
    help: ArgumentHelp("Data files or directories (directories are searched recursively).", valueName: "path"))
  public var data: [String] = []

  @Option(
    name: .long, help: ArgumentHelp("Run directory for checkpoints, metrics.jsonl and loss.svg.", valueName: "run-dir"))
  public var out: String

  @Option(
    help: "LSTM hidden units per layer (default \(TrainingOptions().hiddenSize) unless the domain's defaults say).")
  var hiddenSize: Int?
  @Option(
    help: "Number of stacked LSTM layers (default \(TrainingOptions().numLayers) unless the domain's defaults say).")
  var numLayers: Int?
  @Option(
    help: "Steps per truncated-BPTT chunk (default \(TrainingOptions().seqLength) unless the domain's defaults say).")
  var seqLength: Int?
  @Option(
    help:
      "Parallel streams per batch (default \(TrainingOptions().batchSize) unless the domain's defaults say; under mpirun, the global batch, shared by the processes)."
  )
  var batchSize: Int?
  @Option(
    help:
      "Total optimizer steps of the run (default \(TrainingOptions.defaultSteps) unless the domain's defaults say; counts steps already done on --resume)."
  )
  var steps: Int?
  @Option(help: "Train for this many passes over the data instead of --steps.") var epochs: Double?
  @Option(help: "Adam learning rate (default \(TrainingOptions().learningRate) unless the domain's defaults say).")
  var learningRate: Float?
  @Option(
    help:
      "Multiply the learning rate by this every --lr-decay-every steps (1 = off, the default unless the domain's defaults say)."
  )
  var lrDecay: Float?
  @Option(
    help:
      "Steps between learning-rate decays (default \(TrainingOptions().lrDecayEvery) unless the domain's defaults say)."
  )
  var lrDecayEvery: Int?
  @Option(help: "Dropout between LSTM layers (training only).") var dropout = TrainingOptions().dropout
  @Option(help: "Clip the global gradient norm to this (0 = off).") var gradClip = TrainingOptions().gradClip
  @Option(help: "Fraction of the data held out for validation.") var valFraction = TrainingOptions().valFraction
  @Option(
    help: ArgumentHelp(
      "What is held out: tail (the end of every file) or files (whole files spread through the corpus, about --val-fraction of it). Default: files for audio and handwriting, else tail.",
      valueName: "tail|files"))
  var valSplit: ValidationSplit?
  @Option(help: "Seed for initial weights and dropout: same seed, same run.") var seed = TrainingOptions().seed
  @Option(help: "Steps between checkpoints (each also runs validation).") var checkpointEvery = TrainingOptions()
    .checkpointEvery
  @Option(help: "Steps between log lines.") var logEvery = TrainingOptions().logEvery
  @Flag(help: "Continue the run in --out from its last checkpoint (model settings come from the run).")
  public var resume = false
  @Flag(help: "Under mpirun, every process prints its progress, not only process 0.")
  public var logEveryRank = false

  public var options: TrainingOptions { options(defaults: TrainingOptions()) }

  /// The options the flags give, `defaults` (a domain's recipe) for the sizes, the learning-rate
  /// schedule and the length of the run where the user gave none.
  public func options(defaults: TrainingOptions) -> TrainingOptions {
    var o = TrainingOptions()
    o.hiddenSize = hiddenSize ?? defaults.hiddenSize
    o.numLayers = numLayers ?? defaults.numLayers
    o.seqLength = seqLength ?? defaults.seqLength
    o.batchSize = batchSize ?? defaults.batchSize
    o.steps = steps ?? (epochs == nil ? defaults.steps : nil)
    o.epochs = epochs
    o.learningRate = learningRate ?? defaults.learningRate
    o.lrDecay = lrDecay ?? defaults.lrDecay
    o.lrDecayEvery = lrDecayEvery ?? defaults.lrDecayEvery
    o.dropout = dropout
    o.gradClip = gradClip
    o.valFraction = valFraction
    o.valSplit = valSplit
    o.seed = seed
    o.checkpointEvery = checkpointEvery
    o.logEvery = logEvery
    return o
  }

  public func validate() throws {
    if data.isEmpty && !resume { throw ValidationError("--data is required (one or more files or directories)") }
    do { try options.validate() } catch { throw ValidationError(SeqGen.oneLine(error.description)) }
  }
}
extension ValidationSplit: ExpressibleByArgument {}
