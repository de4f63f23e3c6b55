import ArgumentParser
import Foundation
import SeqGenEngine

/// A domain's command-line surface: what `seqgen` needs to train, generate from, evaluate,
/// benchmark and demo it. One conformance per domain, in the domain's own CLI target; the
/// `seqgen` executable lists them once (`CommandCatalog`) and every command derives from that list.
public protocol DomainCommands {
  associatedtype Domain: SequenceDomain
  /// The domain as evaluation and inspection read it (settings come from each run's codec).
  static var domain: Domain { get }
  /// `seqgen train <name>`.
  static var train: any ParsableCommand.Type { get }
  /// `seqgen generate <name> RUN …`, also reached as `seqgen generate RUN …` for this domain's runs.
  static var generate: any ParsableCommand.Type { get }
  /// `seqgen bench <…>` commands of this domain (none by default).
  static var bench: [any ParsableCommand.Type] { get }
  /// Top-level commands of this domain's own (`seqgen hershey`): data tools (none by default).
  static var tools: [any ParsableCommand.Type] { get }
  /// What `seqgen demo` trains and generates for this domain (nil: not in the demo).
  static var demo: DemoRecipe? { get }
  /// `--prime` in this domain's words: what primes its runs.
  static var primeHelp: String { get }
  /// `--prime-file` in this domain's words.
  static var primeFileHelp: String { get }
  /// `--out` in this domain's words: what it writes, and what happens without it.
  static var outHelp: String { get }
  /// Flags spelled otherwise than their setting's kebab-cased name (`loudnessGate` is
  /// `--sharpen-above` for audio), for error messages that name settings.
  static var flagNames: [String: String] { get }
}

extension DomainCommands {
  public static var name: String { Domain.name }
  /// The domain's training recipe as a new run without flags takes it.
  public static var recipe: TrainingOptions { domain.trainingDefaults }
  /// `domain`, for lists of every domain.
  static var anyDomain: any SequenceDomain { domain }
  public static var stepUnit: String { Domain.stepUnit }
  public static var bench: [any ParsableCommand.Type] { [] }
  public static var tools: [any ParsableCommand.Type] { [] }
  public static var demo: DemoRecipe? { nil }
  public static var flagNames: [String: String] { [:] }
  public static var primeHelp: String { "What the samples continue: the state reads it before sampling." }
  public static var primeFileHelp: String { "A file whose content primes the state, as --prime does." }
  public static var outHelp: String { "Where the samples are written." }
}

/// What the demo does for one domain: every step an ordinary seqgen command. In `prepare`,
/// `data` and `generate`, `{fixtures}` stands for the bundled fixtures folder and `{data}` for
/// a folder of the domain's own under the demo's (made empty before `prepare` runs).
public struct DemoRecipe: Sendable {
  public var title: String
  /// seqgen commands that make the training data (say, synthetic lines) before training.
  public var prepare: [[String]]
  /// Data paths, relative to the fixtures folder unless they start with a placeholder.
  public var data: [String]
  /// Training arguments that say what is learnt; kept under --quick, which swaps only `train`.
  public var task: [String]
  /// Training arguments for the model's size and batches.
  public var train: [String]
  public var steps: (full: Int, quick: Int)
  /// Generation commands (without "generate RUN"), each with the files it writes.
  public var generate: [(args: [String], files: [String])]

  public init(
    title: String, prepare: [[String]] = [], data: [String], task: [String] = [], train: [String],
    steps: (full: Int, quick: Int),
    generate: [(args: [String], files: [String])]
  ) {
    self.title = title
    self.prepare = prepare
    self.data = data
    self.task = task
    self.train = train
    self.steps = steps
    self.generate = generate
  }

  /// `arg` with the placeholders filled in.
  public static func expand(_ arg: String, fixtures: String, data: String) -> String {
    arg.replacingOccurrences(of: "{fixtures}", with: fixtures).replacingOccurrences(of: "{data}", with: data)
  }
}
