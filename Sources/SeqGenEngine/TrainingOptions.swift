import Foundation

/// Everything that shapes a training run; saved in the manifest so a resumed run continues
/// with the same settings. Defaults follow char-rnn's and train something sensible on the
/// bundled Shakespeare in a few minutes on 2 cores.
public struct TrainingOptions: Codable, Sendable, Equatable {
  public var hiddenSize = 128
  public var numLayers = 2
  public var seqLength = 50
  public var batchSize = 32
  /// Total optimizer steps of the run (a resumed run counts the steps already done).
  public var steps: Int?
  /// Alternatively, passes over the training data.
  public var epochs: Double?
  public var learningRate: Float = 2e-3
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var eps: Float = 1e-8
  public var dropout: Float = 0
  public var gradClip: Float = 5
  /// Multiply the learning rate by this every `lrDecayEvery` steps (1 = no decay).
  public var lrDecay: Float = 1
  public var lrDecayEvery = 1000
  public var valFraction = 0.05
  /// How the validation steps are chosen; nil (runs saved before the choice existed) is `tail`.
  /// A new run takes its domain's choice for its corpus (`SequenceDomain.validationSplit(for:)`)
  /// unless the user chose.
  public var valSplit: ValidationSplit?
  public var seed: UInt64 = 0
  /// Gaussians of the attention window when the domain conditions the model (nil: 10, Graves').
  public var windowMixtures: Int?
  /// Class inputs enter through a learned table of rows this wide instead of one-hot; nil:
  /// one-hot (or `hiddenSize` wide when `tieWeights` asks for a table).
  public var embeddingSize: Int?
  /// The decoder reuses the input table as its weight (nil: no).
  public var tieWeights: Bool?
  /// Where each file's label comes from, for a model that reads one (nil: no labels).
  public var labelFrom: LabelSource?
  public var checkpointEvery = 250
  public var logEvery = 25

  public init() {}

  /// The input table these options ask for, or nil for one-hot input.
  public var embedding: EmbeddingConfig? {
    let tied = tieWeights ?? false
    guard embeddingSize != nil || tied else { return nil }
    return EmbeddingConfig(size: embeddingSize ?? hiddenSize, tied: tied)
  }

  /// Gaussians of the attention window of a conditioned model when none are chosen.
  public static let defaultWindowMixtures = 10

  /// Steps when neither --steps nor --epochs is given.
  public static let defaultSteps = 1500

  /// These options for a new run: `split` (the domain's for its corpus) unless the user chose one.
  public func forNewRun(split: ValidationSplit) -> TrainingOptions {
    var o = self
    if o.valSplit == nil { o.valSplit = split }
    return o
  }

  /// Settings a resumed run may change: its length, the learning-rate schedule, clipping and
  /// the logging rhythm. Every other setting is fixed by the run (the model, the batch layout,
  /// the validation split, the seed).
  public static let changeableOnResume: Set<String> = [
    "steps", "epochs", "learningRate", "lrDecay", "lrDecayEvery", "gradClip", "checkpointEvery", "logEvery",
  ]

  /// A resumed run's options: these (the run's own) with the settings the user gave (`given`,
  /// by property name, with their values in `new`) applied where they may change. A setting
  /// fixed by the run and given with another value is refused, naming it; given with the
  /// run's value it is accepted. `steps` given replaces `epochs` and the other way round; given
  /// neither, the run keeps its target.
  ///
  /// - Returns: the options and the changes made, as (setting, old, new) in text.
  public func resumed(with new: TrainingOptions, given: Set<String>) throws(EngineError) -> (
    TrainingOptions, changes: [(name: String, old: String, new: String)]
  ) {
    guard case .object(var mine)? = try? JSONValue.encoding(self),
      case .object(let theirs)? = try? JSONValue.encoding(new)
    else { return (self, []) }
    var changes: [(name: String, old: String, new: String)] = []
    func text(_ v: JSONValue?) -> String {
      switch v {
      case .number(let x)?: Setting.show(x)
      case .string(let s)?: s
      case .bool(let b)?: String(b)
      default: "none"
      }
    }
    for name in given.sorted() where mine[name] != theirs[name] {
      guard Self.changeableOnResume.contains(name) else {
        throw .invalidOption(
          name: name,
          reason: "is fixed by the run (\(text(mine[name]))); leave it out to continue, or start a new run to change it"
        )
      }
      changes.append((name, text(mine[name]), text(theirs[name])))
      mine[name] = theirs[name]
    }
    if given.contains("steps") && !given.contains("epochs") { mine["epochs"] = nil }
    if given.contains("epochs") && !given.contains("steps") { mine["steps"] = nil }
    guard let data = try? JSONEncoder().encode(JSONValue.object(mine)),
      let merged = try? JSONDecoder().decode(TrainingOptions.self, from: data)
    else { return (self, []) }
    return (merged, changes)
  }

  /// The corpus split into training and validation sequences as these options say.
  public func split<Step>(_ sequences: [SourceSequence<Step>]) -> (
    train: [SourceSequence<Step>], validation: [SourceSequence<Step>]
  ) {
    (valSplit ?? .tail).split(sequences, fraction: valFraction)
  }

  /// The learning rate in force at `step` (step decay).
  public func learningRate(at step: Int) -> Float {
    guard lrDecay < 1, lrDecayEvery > 0 else { return learningRate }
    return learningRate * Float(pow(Double(lrDecay), Double(step / lrDecayEvery)))
  }

  /// Range checks: every value a user can type is checked here, before anything is allocated.
  public func validate() throws(EngineError) {
    func check(_ ok: Bool, _ message: String) throws(EngineError) {
      if !ok { throw .invalidArgument(message) }
    }
    try check((1...16384).contains(hiddenSize), "`hiddenSize` must be in 1...16384, got \(hiddenSize)")
    try check((1...64).contains(numLayers), "`numLayers` must be in 1...64, got \(numLayers)")
    try check((1...100_000).contains(seqLength), "`seqLength` must be in 1...100000, got \(seqLength)")
    try check((1...100_000).contains(batchSize), "`batchSize` must be in 1...100000, got \(batchSize)")
    let activations = Double(seqLength) * Double(batchSize) * Double(hiddenSize) * Double(numLayers) * 16
    try check(activations * 4 < 64e9, "`seqLength` × `batchSize` × `hiddenSize` × `numLayers` is too large for memory")
    if let steps { try check(steps >= 1, "`steps` must be at least 1, got \(steps)") }
    if let epochs { try check(epochs > 0 && epochs.isFinite, "`epochs` must be positive, got \(epochs)") }
    try check(steps == nil || epochs == nil, "give `steps` or `epochs`, not both")
    try check(learningRate > 0 && learningRate.isFinite, "`learningRate` must be positive, got \(learningRate)")
    try check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1)")
    try check(eps > 0, "Adam eps must be positive")
    try check(dropout >= 0 && dropout < 1, "`dropout` must be in [0, 1), got \(dropout)")
    try check(gradClip >= 0 && gradClip.isFinite, "`gradClip` must be ≥ 0 (0 = off), got \(gradClip)")
    try check(lrDecay > 0 && lrDecay <= 1, "`lrDecay` must be in (0, 1], got \(lrDecay)")
    try check(lrDecayEvery >= 1, "`lrDecayEvery` must be at least 1, got \(lrDecayEvery)")
    try check(valFraction >= 0 && valFraction <= 0.5, "`valFraction` must be in [0, 0.5], got \(valFraction)")
    try check(checkpointEvery >= 1, "`checkpointEvery` must be at least 1, got \(checkpointEvery)")
    if let windowMixtures {
      try check((1...100).contains(windowMixtures), "`windowMixtures` must be in 1...100, got \(windowMixtures)")
    }
    if let embeddingSize {
      try check((1...16384).contains(embeddingSize), "`embeddingSize` must be in 1...16384, got \(embeddingSize)")
    }
    try check(logEvery >= 1, "`logEvery` must be at least 1, got \(logEvery)")
  }
}
