/// One-line advice a front end prints about a run: before training, from the corpus and model
/// sizes; while and after training, from the validation curve. Settings are named as
/// properties in backticks, which front ends spell their own way.
public enum TrainingAdvice {
  /// Consecutive checkpoints without a better validation loss after which a run is called
  /// overfitting.
  public static let patience = 3

  /// The patience a run's own history asks for: twice the longest it has waited (in
  /// checkpoints) for a best it then reached, and never less than `patience`.
  public static func patience(longestWait: Int) -> Int { max(patience, 2 * longestWait) }

  /// char-rnn's rule of thumb: parameters of the same order as training steps (characters).
  /// Far more parameters and the model memorises the corpus; far fewer and a larger model
  /// would fit it better.
  ///
  /// - Parameters:
  ///   - steps: the training corpus's predicted steps (characters, points, events, frames).
  ///   - augments: whether the run trains on fresh variants of the corpus each epoch.
  public static func sizes(
    parameters: Int, steps: Int, unit: String, options: TrainingOptions, augments: Bool
  ) -> String {
    let ratio = Double(parameters) / Double(max(steps, 1))
    let times =
      ratio >= 10
      ? "\(Int(ratio.rounded()))×"
      : ratio >= 1
        ? String(format: "%.1f×", ratio)
        : String(
          format: "1/%.0f of", 1 / ratio)
    let head = "advice: \(parameters.formatted()) parameters for \(steps.formatted()) training \(unit)s (\(times))"
    if ratio > 10 {
      var cures = ["a smaller `hiddenSize` or `numLayers`"]
      if options.dropout < 0.25 && options.numLayers > 1 { cures.append("`dropout` 0.25–0.5") }
      if !augments { cures.append("augmentation if this domain has it") }
      cures.append("more data")
      return head + ": the model will memorise the corpus; consider "
        + cures.joined(separator: ", ") + ", and generate from the best checkpoint"
    }
    if ratio < 0.1 {
      return head + ": a larger model (`hiddenSize`, `numLayers`) would likely fit this corpus better"
    }
    let dropout =
      ratio > 1 && options.dropout == 0 && options.numLayers > 1 ? "; `dropout` 0.1–0.3 guards against memorising" : ""
    return head + ": of the same order, as char-rnn's rule of thumb asks\(dropout)"
  }

  /// Whether validation has not improved for `patience` checkpoints and now lies clearly (1%)
  /// above its best, and what to do: nil while it still improves or hovers at its best (or no
  /// validation ran).
  ///
  /// - Parameter patience: checkpoints without a new best that count as long; a caller that
  ///   knows the run's history passes more when the run has gone longer without a best before
  ///   and still beaten it (`patience(longestWait:)`).
  public static func overfitting(
    _ progress: Manifest.Progress, checkpointEvery: Int, patience: Int = patience
  ) -> String? {
    guard let best = progress.bestStep, let bestLoss = progress.bestValidationLoss,
      let latest = progress.validationLoss
    else { return nil }
    let since = (progress.step - best) / max(checkpointEvery, 1)
    let above = (latest - bestLoss) / abs(bestLoss)
    guard since >= patience, above > 0.01 else { return nil }
    return String(
      format:
        "validation has not improved for %d checkpoints and is %.0f%% above its best (step %d): the model is overfitting; the best checkpoint keeps step %d, so stop here or retrain with more `dropout`, a smaller model or more data",
      since, 100 * above, best, best)
  }
}

/// What a domain suggests for a corpus unlike those its defaults were tuned on (source code
/// for a text domain tuned on plays, scores for a notes domain tuned on performances): a
/// measured recipe, named by the corpus statistic that calls for it.
public struct TrainingRecipe: Sendable {
  /// What in the corpus calls for it ("90% of its lines are indented and 6.0% of its
  /// characters are brackets, operators and underscores").
  public var evidence: String
  /// The kind of corpus the recipe is for ("source code").
  public var kind: String
  /// The domain's defaults with the recipe's changes made.
  public var options: TrainingOptions
  /// The domain's own settings the recipe asks for and the run does not have yet, by property
  /// name, with their values in words.
  public var domainSettings: [(name: String, value: String)]
  /// What else to do (at generation), with the page that gives the recipe's measurements.
  public var outcome: String

  public init(
    evidence: String, kind: String, options: TrainingOptions, domainSettings: [(name: String, value: String)] = [],
    outcome: String
  ) {
    self.evidence = evidence
    self.kind = kind
    self.options = options
    self.domainSettings = domainSettings
    self.outcome = outcome
  }
}

extension TrainingAdvice {
  /// The advice line for `recipe`, or nil when the run already trains as it says: the
  /// settings the recipe changes from the domain's `defaults`, wherever `run` differs, and
  /// the domain settings it still asks for.
  public static func recipe(_ recipe: TrainingRecipe, defaults: TrainingOptions, run: TrainingOptions) -> String? {
    guard case .object(let base)? = try? JSONValue.encoding(defaults),
      case .object(let wanted)? = try? JSONValue.encoding(recipe.options),
      case .object(let given)? = try? JSONValue.encoding(run)
    else { return nil }
    let changed = wanted.keys.sorted().filter { wanted[$0] != base[$0] }
    guard changed.contains(where: { wanted[$0] != given[$0] }) || !recipe.domainSettings.isEmpty else { return nil }
    let settings =
      changed.map { name in
        switch wanted[name] {
        case .number(let x)?: "`\(name)` \(Setting.show(x))"
        case .string(let s)?: "`\(name)` \(s)"
        default: "`\(name)`"
        }
      } + recipe.domainSettings.map { "`\($0.name)` \($0.value)" }
    return "advice: this corpus looks like \(recipe.kind) (\(recipe.evidence)), "
      + "not what the defaults are tuned on: try " + settings.joined(separator: ", ") + "; " + recipe.outcome
  }
}
