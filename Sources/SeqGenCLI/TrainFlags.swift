import ArgumentParser
import Foundation
import SeqGenEngine

/// Flags every `seqgen train <domain>` command shares; their help gives the defaults of
/// `Commands`' domain (its `trainingDefaults`).
public struct TrainFlags<Commands: DomainCommands>: ParsableArguments {
  public init() {}

  @Option(
    name: .long, parsing: .upToNextOption,
    help: ArgumentHelp("Data files or directories (directories are searched recursively).", valueName: "path"))
  public var data: [String] = []

  @Option(
    name: .long, help: ArgumentHelp("Run directory for checkpoints, metrics.jsonl and loss.svg.", valueName: "run-dir"))
  public var out: String

  @Option(help: "LSTM hidden units per layer (default \(Commands.recipe.hiddenSize)).")
  var hiddenSize: Int?
  @Option(help: "Number of stacked LSTM layers (default \(Commands.recipe.numLayers)).")
  var numLayers: Int?
  @Option(
    help:
      "Class inputs (characters, words) enter through a learned table of rows this wide instead of one-hot: what a vocabulary of thousands needs (default \(Commands.recipe.embedding.map { "\($0.size)" } ?? "none: one-hot"))."
  )
  var embeddingSize: Int?
  @Flag(
    inversion: .prefixedNo,
    help:
      "The decoder uses the input table as its weight (Press & Wolf 2017): fewer parameters and usually a lower loss on words. Needs --embedding-size equal to --hidden-size, or left out (default \(Commands.recipe.tieWeights == true ? "on" : "off"))."
  )
  var tieWeights: Bool?
  @Option(help: "Steps per truncated-BPTT chunk (default \(Commands.recipe.seqLength)).")
  var seqLength: Int?
  @Option(
    help:
      "Parallel streams per batch (default \(Commands.recipe.batchSize); under mpirun, the global batch, shared by the processes)."
  )
  var batchSize: Int?
  @Option(
    help:
      "Total optimizer steps of the run (default \(Commands.recipe.steps ?? TrainingOptions.defaultSteps); counts steps already done on --resume)."
  )
  var steps: Int?
  @Option(help: "Train for this many passes over the data instead of --steps.") var epochs: Double?
  @Option(help: "Adam learning rate (default \(Commands.recipe.learningRate)).")
  var learningRate: Float?
  @Option(
    help:
      "Multiply the learning rate by this every --lr-decay-every steps (default \(Commands.recipe.lrDecay); 1 = off)."
  )
  var lrDecay: Float?
  @Option(help: "Steps between learning-rate decays (default \(Commands.recipe.lrDecayEvery)).")
  var lrDecayEvery: Int?
  @Option(help: "Dropout between LSTM layers, training only (default \(Commands.recipe.dropout)).")
  var dropout: Float?
  @Option(help: "Clip the global gradient norm to this (default \(TrainingOptions().gradClip); 0 = off).")
  var gradClip: Float?
  @Option(help: "Fraction of the data held out for validation (default \(TrainingOptions().valFraction)).")
  var valFraction: Double?
  @Option(
    help: ArgumentHelp(
      "What is held out: tail (the end of every file) or files (whole files spread through the corpus, about --val-fraction of it). Default: \(Commands.Domain.defaultValidationSplitRule).",
      valueName: "tail|files"))
  var valSplit: ValidationSplit?
  @Option(help: "Seed for initial weights and dropout: same seed, same run (default \(TrainingOptions().seed)).")
  var seed: UInt64?
  @Option(
    help: "Steps between checkpoints, each also running validation (default \(TrainingOptions().checkpointEvery)).")
  var checkpointEvery: Int?
  @Option(help: "Steps between log lines (default \(TrainingOptions().logEvery)).") var logEvery: Int?
  @Option(
    help: ArgumentHelp(
      "Give every file a label the model reads at every step, so `seqgen generate RUN --label NAME` writes in that label's style (a composer, an author, a speaker): `folder` takes each file's parent folder as its label (put each label's files in a folder of their own); a path reads a table of `file<TAB>label` lines, files relative to the table. Default: no labels.",
      valueName: "folder|table.tsv"))
  var labelFrom: String?
  @Flag(
    help:
      "Continue the run in --out from its last checkpoint, to its own target unless --steps or --epochs is given. The learning-rate schedule, --grad-clip and the checkpoint and log rhythm may change; the model's settings and how the data are read are the run's (given with another value, they are refused)."
  )
  public var resume = false
  @Flag(help: "Under mpirun, every process prints its progress, not only process 0.")
  public var logEveryRank = false

  /// The options the flags give, `defaults` (by default the domain's recipe) for the sizes, the
  /// learning-rate schedule and the length of the run where the user gave none.
  public func options(defaults: TrainingOptions = Commands.recipe) -> TrainingOptions {
    var o = TrainingOptions()
    o.hiddenSize = hiddenSize ?? defaults.hiddenSize
    o.numLayers = numLayers ?? defaults.numLayers
    o.embeddingSize = embeddingSize ?? defaults.embeddingSize
    o.tieWeights = tieWeights ?? defaults.tieWeights
    o.seqLength = seqLength ?? defaults.seqLength
    o.batchSize = batchSize ?? defaults.batchSize
    o.steps = steps ?? (epochs == nil ? defaults.steps : nil)
    o.epochs = epochs
    o.learningRate = learningRate ?? defaults.learningRate
    o.lrDecay = lrDecay ?? defaults.lrDecay
    o.lrDecayEvery = lrDecayEvery ?? defaults.lrDecayEvery
    o.dropout = dropout ?? defaults.dropout
    o.gradClip = gradClip ?? o.gradClip
    o.valFraction = valFraction ?? o.valFraction
    o.valSplit = valSplit
    o.seed = seed ?? o.seed
    o.checkpointEvery = checkpointEvery ?? o.checkpointEvery
    o.logEvery = logEvery ?? o.logEvery
    o.labelFrom = labelFrom.map { $0 == "folder" ? .folder : .table($0) }
    return o
  }

  /// The settings the user gave, by property name (what a resumed run applies or refuses).
  public var given: Set<String> {
    let flags: [(String, Bool)] = [
      ("hiddenSize", hiddenSize != nil), ("numLayers", numLayers != nil), ("seqLength", seqLength != nil),
      ("batchSize", batchSize != nil), ("steps", steps != nil), ("epochs", epochs != nil),
      ("learningRate", learningRate != nil), ("lrDecay", lrDecay != nil), ("lrDecayEvery", lrDecayEvery != nil),
      ("dropout", dropout != nil), ("gradClip", gradClip != nil), ("valFraction", valFraction != nil),
      ("valSplit", valSplit != nil), ("seed", seed != nil), ("checkpointEvery", checkpointEvery != nil),
      ("logEvery", logEvery != nil), ("embeddingSize", embeddingSize != nil), ("tieWeights", tieWeights != nil),
      ("labelFrom", labelFrom != nil),
    ]
    return Set(flags.filter(\.1).map(\.0))
  }

  public func validate() throws {
    if data.isEmpty && !resume { throw ValidationError("--data is required (one or more files or directories)") }
    do { try options().validate() } catch { throw ValidationError(CommandCatalog.oneLine(error.description)) }
  }
}
extension ValidationSplit: ExpressibleByArgument {}

/// `--window-size`: the attention window of a domain that conditions on a given text
/// (handwriting, speech).
public struct WindowFlags: ParsableArguments {
  public init() {}

  @Option(
    help:
      "Gaussians of the attention window of a --condition model (Graves used 10; default \(TrainingOptions.defaultWindowMixtures))."
  )
  public var windowSize: Int?

  public func validate() throws {
    if let windowSize, !(1...100).contains(windowSize) {
      throw ValidationError("--window-size must be in 1...100, got \(windowSize)")
    }
  }

  /// `options` with the window's size set, from the flag or the default.
  public func applied(to options: TrainingOptions) -> TrainingOptions {
    var options = options
    options.windowMixtures = windowSize ?? TrainingOptions.defaultWindowMixtures
    return options
  }
}
