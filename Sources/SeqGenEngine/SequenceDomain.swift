import Foundation

/// A kind of sequence data the shared engine can learn and generate.
///
/// The engine knows numbers; a domain knows files and meaning. A domain reads its formats,
/// learns a codec from the corpus, turns steps into input rows and training targets, turns
/// the head's samples back into steps, says where the recurrent state must be reset, and
/// writes generated steps out.
public protocol SequenceDomain: Sendable {
  /// One time step of the data (a character, a pen offset, a MIDI event, a frame).
  associatedtype Step: Sendable
  /// Everything learned from the corpus that generation needs again (saved in the manifest).
  associatedtype Codec: Codable & Sendable
  /// The output head that models the next step.
  associatedtype Head: OutputHead
  /// What generation takes beyond `GenerationRequest` for this domain only (handwriting's
  /// stroke count, notes' seconds): filled from flags by the CLI, decoded from JSON by a server.
  /// Each of its settings is described once (`DescribedSettings`), and it decodes from JSON that
  /// leaves any of them out.
  associatedtype GenerationOptions: DescribedSettings & DecodableWithDefaults & Sendable = PlainGenerationOptions

  /// The name used on the command line and in manifests ("text").
  static var name: String { get }
  /// The unit of one step in human terms ("char", "point", "event", "frame").
  static var stepUnit: String { get }
  /// How a new run holds out validation steps unless the user chooses (`tail` by default).
  static var defaultValidationSplit: ValidationSplit { get }
  /// `defaultValidationSplit` in words, for help ("files for a folder of 10 or more files, else
  /// tail"); its name by default.
  static var defaultValidationSplitRule: String { get }
  /// How a new run of `corpus` holds out validation steps unless the user chooses:
  /// `defaultValidationSplit` by default, a domain may look at the corpus (text holds out
  /// whole files of a folder of many).
  func validationSplit(for corpus: [SourceSequence<Step>]) -> ValidationSplit
  /// The generation options a playground starts from, as JSON (fields left out take their
  /// defaults): what is quick to make and worth showing there ("{}" by default).
  static var playgroundOptions: String { get }
  /// Whether a prime may be typed as text (text, and any domain whose steps are characters); a
  /// domain primed only from files of its own format (MIDI, audio, strokes) says false, so a
  /// form offers a file alone. True by default.
  static var primesFromText: Bool { get }
  /// This domain's training recipe (sizes, learning-rate schedule, length of the run), taken
  /// where the user gives no flag; the general `TrainingOptions()` by default.
  var trainingDefaults: TrainingOptions { get }

  /// This domain with the settings a new run takes from its corpus files themselves (audio: the
  /// sample rate they share) resolved, before the corpus is read and the codec learnt. The
  /// default has none and returns `self`.
  func resolved(for urls: [URL]) throws -> Self
  /// Reads files (and directories of them) into sequences; one sequence per file or per
  /// natural unit. Throws a typed error naming the file for anything unusable.
  func read(_ urls: [URL]) throws -> [SourceSequence<Step>]
  /// Learns the codec (vocabulary, normalisation, …) from a training corpus.
  func makeCodec(for corpus: [SourceSequence<Step>]) throws -> Codec
  /// Learns the codec of a new run from its split: from both parts by default (so no held-out
  /// step is outside the vocabulary); a domain whose codec can read unseen steps (a word
  /// vocabulary with `<unk>`) learns from the training part only, so validation measures
  /// what unseen text costs.
  func makeCodec(for split: CorpusSplit<Step>) throws -> Codec
  /// The sequences as a model of `codec` steps through them. A domain whose steps depend on
  /// what the codec learnt (subword pieces, learnt from the training part) reads its files in a
  /// codec-free form, so a run is split the same way when it starts and when it resumes, and
  /// cuts each part here; every other domain's sequences are already its steps (the default).
  func tokenized(_ sequences: [SourceSequence<Step>], codec: Codec) throws -> [SourceSequence<Step>]
  /// Files a run of `codec` keeps beside its checkpoints, by name, for other tools to read (a
  /// subword run's tokenizer model); none by default. The checkpoint stays self-contained.
  func runFiles(_ codec: Codec) -> [String: Data]
  /// The codec in one line for `seqgen inspect` (a text run's tokens and vocabulary), or nil
  /// (the default) when there is nothing to say.
  func summary(of codec: Codec) -> String?
  /// The unit one step of a run of `codec` is counted in ("char", "token"): `stepUnit` by default.
  func stepUnit(of codec: Codec) -> String
  /// How a loss per step reads per unit of the data itself when a step is not one (a word
  /// model's tokens in characters), from the steps `sequences` predict; nil (the default) when
  /// the step is the unit.
  func lossUnit(for sequences: [SourceSequence<Step>], codec: Codec) -> LossUnit?
  /// Whether steps enter the LSTM as class indices or dense rows, and how wide.
  func inputKind(_ codec: Codec) -> InputKind
  /// Encodes one step as the LSTM input; throws if the codec cannot represent it.
  func input(_ step: Step, codec: Codec) throws -> StepInput
  /// Encodes one step as the head's training target.
  func target(_ step: Step, codec: Codec) throws -> Head.Target
  /// The head that models the next step.
  func makeHead(_ codec: Codec) -> Head
  /// Turns a sampled output back into a step.
  func step(from sample: Head.Sample, codec: Codec) -> Step
  /// Classes of the condition a model of `codec` reads (`ConditionConfig.classes`), or nil when
  /// its model is unconditional (the default).
  func conditionClasses(_ codec: Codec) -> Int?
  /// The class sequence that conditions `sequence` (for handwriting, its transcription's
  /// characters); asked only when `conditionClasses` is not nil. Throws, naming the file, when
  /// the sequence has none.
  func condition(of sequence: SourceSequence<Step>, codec: Codec) throws -> [Int]
  /// Width of the control rows a model of `codec` reads beside every step (Performance RNN's
  /// note density and pitch histogram): what the domain measures from the data at training time
  /// and takes from the user's request at generation time. 0 (the default): none.
  func controlWidth(_ codec: Codec) -> Int
  /// The control row of every step of `sequence` (steps × `controlWidth`), measured from the
  /// data. With `leavingOut`, the domain leaves controls out at random, drawn from that seed
  /// alone (as generation leaves out those the user does not ask for), so the model also runs
  /// with them free; nil gives them all (validation, evaluation).
  func controls(of sequence: SourceSequence<Step>, codec: Codec, leavingOut seed: UInt64?) -> [Float]
  /// Whether the state is zeroed before `step` when it follows `previous` inside a sequence
  /// (the state is always zeroed between sequences).
  func resetsState(before step: Step, after previous: Step, codec: Codec) -> Bool
  /// The steps that condition generation.
  func prime(_ request: PrimeRequest, codec: Codec) throws -> [Step]
  /// Writes generated samples to a file.
  func write(_ samples: [[Step]], codec: Codec, to url: URL) throws
  /// The whole generation pipeline of this domain: loads `run`, samples as `request` and
  /// `options` say, writes (or streams through `events`) the outputs. Every front end calls
  /// this; domains with only a step count get it from `PlainGenerationOptions`.
  func generate(
    run: RunDirectory, request: GenerationRequest, options: GenerationOptions, events: (GenerationEvent) -> Void
  ) throws -> GenerationOutput
  /// The request and options as a server runs them: every file they would write goes into
  /// `folder` under its own file name only (the domain's usual output where none is named), and
  /// every file they would read is refused, so a server never opens a path a client wrote. The
  /// server sets `primeFile` itself. The default confines `out` and names no default output.
  /// The generation options a server offers for a run of `codec`: every one but those the run
  /// cannot use (a given text on a model trained without transcriptions) and those `served`
  /// refuses (paths only the server chooses), so a form shows only what the run accepts. All
  /// of them by default.
  func servedSettings(_ codec: Codec) -> [Setting]
  func served(_ request: GenerationRequest, options: GenerationOptions, in folder: URL) throws -> (
    GenerationRequest, GenerationOptions
  )
  /// Lines that put a training run in this domain's units (bits per second of music, per
  /// sample, in data units, beside baselines), from the run's own split: before training
  /// starts and after it ends. Empty by default.
  func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<Step>, codec: Codec, manifest: Manifest
  ) throws -> [String]
  /// The recipe to try when a new run's corpus is unlike those `trainingDefaults` were tuned
  /// on, judged from its training part (source code, not plays): nil by default, and for a
  /// corpus the defaults suit.
  func recipe(for split: CorpusSplit<Step>, codec: Codec) -> TrainingRecipe?
  /// Lines that put an evaluation loss in this domain's units, as `trainingReport` does for
  /// training. Empty by default.
  func evaluationReport(_ loss: Loss, sequences: [SourceSequence<Step>], codec: Codec, manifest: Manifest) -> [String]
  /// How much of a length a generated step uses (`StepGenerating.length`): 1 by default (the
  /// length counts steps); a word model counts the characters of each piece.
  func lengthUnits(of step: Step, codec: Codec, options: GenerationOptions) -> Int
  /// Classes generation never draws (a word model's `<unk>`, on request); none by default.
  func maskedSamples(codec: Codec, options: GenerationOptions) -> [Int]
  /// The text a step prints as when streamed to a terminal, or nil if the domain does not stream.
  func streamed(_ step: Step, codec: Codec) -> String?
  /// The text of consecutive steps of a streaming domain, or nil while they end inside a
  /// character (the bytes of one UTF-8 character drawn as separate steps), so a stream prints
  /// whole characters. By default each step's `streamed` text, joined.
  func text(of steps: ArraySlice<Step>, codec: Codec) -> String?
  /// This domain set up as the run that saved `codec` was (reader settings such as whether drums
  /// are kept), so evaluation and priming read files the way training did.
  func configured(for codec: Codec) -> Self
  /// The settings of this domain that a run of `codec` fixed (how its files are read and cut),
  /// each with the value this domain asks for beside the run's, so a resumed run refuses one the
  /// user gave with another value instead of silently reading as it started. None by default.
  func settingsFixed(by codec: Codec) -> [FixedSetting]
  /// Whether a run with `codec` trains on random variants of its data (`augment`) instead of
  /// the data itself. Kept in the codec, so a resumed run augments as it started.
  func augments(_ codec: Codec) -> Bool
  /// A random variant of one training sequence (for notes: transposed and time-stretched),
  /// drawn from `seed` alone. The trainer asks for a fresh variant of every file's training
  /// part each epoch; validation data and generation never go through here.
  func augment(_ sequence: SourceSequence<Step>, codec: Codec, seed: UInt64) -> SourceSequence<Step>
}

extension SequenceDomain {
  public static var defaultValidationSplit: ValidationSplit { .tail }
  public static var defaultValidationSplitRule: String { defaultValidationSplit.rawValue }
  public func validationSplit(for corpus: [SourceSequence<Step>]) -> ValidationSplit { Self.defaultValidationSplit }
  public static var playgroundOptions: String { "{}" }
  public static var primesFromText: Bool { true }
  public var trainingDefaults: TrainingOptions { TrainingOptions() }
  public func makeCodec(for split: CorpusSplit<Step>) throws -> Codec {
    try makeCodec(for: split.train + split.validation)
  }
  public func stepUnit(of codec: Codec) -> String { Self.stepUnit }
  public func summary(of codec: Codec) -> String? { nil }
  public func lossUnit(for sequences: [SourceSequence<Step>], codec: Codec) -> LossUnit? { nil }
  public func resolved(for urls: [URL]) throws -> Self { self }
  public func servedSettings(_ codec: Codec) -> [Setting] { GenerationOptions.settings }
  public func served(_ request: GenerationRequest, options: GenerationOptions, in folder: URL) throws -> (
    GenerationRequest, GenerationOptions
  ) {
    var request = request
    request.out = ServedFile.path(request.out, in: folder)
    return (request, options)
  }
  public func trainingReport(
    _ moment: TrainingMoment, split: CorpusSplit<Step>, codec: Codec, manifest: Manifest
  ) throws -> [String] { [] }
  public func recipe(for split: CorpusSplit<Step>, codec: Codec) -> TrainingRecipe? { nil }
  public func evaluationReport(_ loss: Loss, sequences: [SourceSequence<Step>], codec: Codec, manifest: Manifest)
    -> [String]
  { [] }
  public func resetsState(before step: Step, after previous: Step, codec: Codec) -> Bool { false }
  public func conditionClasses(_ codec: Codec) -> Int? { nil }
  public func controlWidth(_ codec: Codec) -> Int { 0 }
  public func controls(of sequence: SourceSequence<Step>, codec: Codec, leavingOut seed: UInt64?) -> [Float] { [] }
  public func condition(of sequence: SourceSequence<Step>, codec: Codec) throws -> [Int] { [] }
  public func streamed(_ step: Step, codec: Codec) -> String? { nil }
  public func text(of steps: ArraySlice<Step>, codec: Codec) -> String? {
    steps.compactMap { streamed($0, codec: codec) }.joined()
  }
  public func tokenized(_ sequences: [SourceSequence<Step>], codec: Codec) throws -> [SourceSequence<Step>] {
    sequences
  }
  public func runFiles(_ codec: Codec) -> [String: Data] { [:] }
  public func lengthUnits(of step: Step, codec: Codec, options: GenerationOptions) -> Int { 1 }
  public func maskedSamples(codec: Codec, options: GenerationOptions) -> [Int] { [] }
  public func configured(for codec: Codec) -> Self { self }
  public func settingsFixed(by codec: Codec) -> [FixedSetting] { [] }
  public func augments(_ codec: Codec) -> Bool { false }
  public func augment(_ sequence: SourceSequence<Step>, codec: Codec, seed: UInt64) -> SourceSequence<Step> { sequence }
}

/// One sequence of steps and where it came from, so errors can name the file.
public struct SourceSequence<Step: Sendable>: Sendable {
  public var source: String
  public var steps: [Step]
  /// What the file says the sequence is (for handwriting, its transcription), for a domain
  /// that conditions on it; nil when the file says nothing.
  public var annotation: String?
  /// The name of the group the sequence belongs to (`LabelSource`), which a labelled model
  /// reads at every step; nil in a run without labels.
  public var label: String?

  public init(source: String, steps: [Step], annotation: String? = nil, label: String? = nil) {
    self.source = source
    self.steps = steps
    self.annotation = annotation
    self.label = label
  }
}

/// A corpus as a run splits it (`TrainingOptions.split`).
public struct CorpusSplit<Step: Sendable>: Sendable {
  public var train: [SourceSequence<Step>]
  public var validation: [SourceSequence<Step>]

  public init(train: [SourceSequence<Step>], validation: [SourceSequence<Step>]) {
    self.train = train
    self.validation = validation
  }
}

/// A domain setting a run fixed (`SequenceDomain.settingsFixed(by:)`), by its `Setting` name,
/// with the values as the user reads them.
public struct FixedSetting: Sendable, Equatable {
  public var name: String
  /// What this domain was asked for.
  public var requested: String
  /// What the run has: nil when the run did not record it, so any value given is refused.
  public var run: String?

  public init(_ name: String, requested: String, run: String?) {
    self.name = name
    self.requested = requested
    self.run = run
  }

  /// Refuses this setting if the user gave it (`given`, by name) with a value other than the run's.
  public func check(given: Set<String>) throws(EngineError) {
    guard given.contains(name), requested != run else { return }
    throw .invalidOption(
      name: name,
      reason:
        "is fixed by the run (\(run ?? "its data were read with the value it started with")); leave it out to continue, or start a new run to change it"
    )
  }
}

/// A unit of the data a loss per step is also given in: bits per unit = bits per step ×
/// `stepsPerUnit`, so models that cut the same data into different steps compare directly.
public struct LossUnit: Sendable, Equatable {
  public var name: String
  public var stepsPerUnit: Double

  public init(name: String, stepsPerUnit: Double) {
    self.name = name
    self.stepsPerUnit = stepsPerUnit
  }

  /// " = 1.234 bits/char" for a loss of `bitsPerStep`.
  public func spelled(bitsPerStep: Double) -> String {
    String(format: " = %.4f bits/%@", bitsPerStep * stepsPerUnit, name)
  }
}

/// When a domain's training report is asked for.
public enum TrainingMoment: Sendable {
  /// The run is set up (its split and codec known), no step taken yet.
  case beforeTraining
  /// The last checkpoint is written.
  case afterTraining
}

/// How a step enters the LSTM.
public enum InputKind: Codable, Sendable, Equatable {
  /// One of `classes` indices: a one-hot row, computed as a gather.
  case categorical(classes: Int)
  /// A dense row of `width` numbers.
  case dense(width: Int)

  public var width: Int {
    switch self {
    case .categorical(let n): n
    case .dense(let n): n
    }
  }
}

/// One encoded input step.
public enum StepInput: Sendable, Equatable {
  case index(Int)
  case dense([Float])
}

/// What the user asked generation to start from.
public struct PrimeRequest: Sendable {
  /// Literal prime text (`--prime`).
  public var text: String?
  /// A file to prime from (`--prime-file`).
  public var file: URL?
  /// Skip prime steps the codec cannot represent instead of failing.
  public var skipUnknown: Bool
  /// For timed domains (notes, audio): use only the first this-many seconds of `file`.
  public var seconds: Double?

  public init(text: String? = nil, file: URL? = nil, skipUnknown: Bool = false, seconds: Double? = nil) {
    self.text = text
    self.file = file
    self.skipUnknown = skipUnknown
    self.seconds = seconds
  }
}
