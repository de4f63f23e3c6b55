import Foundation
import SeqGenEngine
import SeqGenMPI

/// One training of a domain's model, as every front end starts it: opens (or resumes) the run,
/// reads and splits the corpus, applies the domain's recipe and the user's options, trains, and
/// reports what happens as lines a front end shows.
///
/// Started by `mpirun`, each process trains its share of the batch: the processes agree on
/// each set-up stage and the resumed checkpoint is sent from process 0 once (`OpenedRun`).
/// Process 0 alone reports, unless `reportEveryRank`. A failure while setting up stops every
/// process with one line naming the rank and host that failed; a failure of one process while
/// training aborts the whole job, so none waits for it.
///
/// Lines name settings as properties in backticks (`` `hiddenSize` ``), which each front end
/// spells its own way.
public struct TrainingSession<D: SequenceDomain> {
  /// What a session reports, in order.
  public enum Event {
    /// A line to show: the run's summary, advice, the domain's reports, checkpoints.
    case line(String)
    /// A progress line; a terminal may redraw it in place until the next event (a parallel
    /// job's progress comes as `line`s).
    case progress(String)
    /// Training has ended (what follows are closing remarks): the run's final manifest.
    case trained(Manifest)
    /// This process failed; `line` names its rank and host. The session throws
    /// `TrainingSessionError.reported` after it.
    case failed(String)
  }

  /// The domain as the user configured it (its settings; a resumed run's codec replaces them).
  public var domain: D
  /// Data files or directories; a resumed run given none reads the files it started with.
  public var data: [String]
  public var run: RunDirectory
  public var resume: Bool
  /// The options of the run: the domain's recipe (`trainingDefaults`) unless the front end
  /// gives the user's.
  public var options: TrainingOptions
  /// The settings the user gave (property names), of `options` and of the domain. A resumed run
  /// keeps its own options but these, where they may change (`TrainingOptions.resumed(with:given:)`):
  /// without `steps` or `epochs` it continues to its own target. A domain setting the run fixed
  /// (`SequenceDomain.settingsFixed(by:)`) given with another value is refused.
  public var given: Set<String> = []
  /// Whether every process of a parallel job reports, not only process 0.
  public var reportEveryRank = false

  public init(domain: D, data: [String], run: RunDirectory, resume: Bool, options: TrainingOptions? = nil) {
    self.domain = domain
    self.data = data
    self.run = run
    self.resume = resume
    self.options = options ?? domain.trainingDefaults
  }

  /// Trains to the end of the run; returns its final manifest.
  @discardableResult
  public func start(_ report: (Event) -> Void) throws -> Manifest {
    guard MPIProcesses.isLaunched else { return try train(collective: SingleProcess(), report: report) }
    let processes = try MPIProcesses()
    Parallel.shareCores(among: processes.localSize)
    let quiet = processes.rank != 0 && !reportEveryRank
    var training = false
    do {
      let manifest = try train(
        collective: processes, report: { if !quiet { report($0) } }, phase: { training = $0 })
      processes.finalize()
      return manifest
    } catch {
      // Errors every process throws together are the job's: rank 0 reports them for all. Any
      // other is this process's own, named by rank and host.
      let ofTheJob: Bool
      switch error as? EngineError {
      case .otherProcessFailed?, .diverged?, .processesDisagree?: ofTheJob = true
      default: ofTheJob = false
      }
      if !ofTheJob {
        report(.failed("rank \(processes.rank) on \(processes.host): \(error)"))
      } else if processes.rank == 0, (error as? EngineError) != .otherProcessFailed {
        report(.failed("\(error)"))
      }
      if training && !ofTheJob { processes.abort(code: 1) }
      processes.finalize()
      throw TrainingSessionError.reported
    }
  }

  private func train(
    collective: any Collective, report: (Event) -> Void, phase: (_ training: Bool) -> Void = { _ in }
  ) throws -> Manifest {
    try collective.agree { try options.validate() }
    let opened = try OpenedRun(run, domain: D.name, resume: resume, collective: collective)
    defer { opened.discard() }
    var paths = data
    let (domain, sequences) = try collective.agree { () throws -> (D, [SourceSequence<D.Step>]) in
      var domain = self.domain
      let urls = { paths.map { URL(fileURLWithPath: $0) } }
      if let manifest = opened.resumed {
        // A resumed run reads (and augments) its files the way it started, whatever is given now.
        if paths.isEmpty { paths = manifest.data.paths }
        let codec = try manifest.codec(as: D.Codec.self, path: run.url.path)
        for setting in domain.settingsFixed(by: codec) { try setting.check(given: given) }
        domain = domain.configured(for: codec)
      } else {
        domain = try domain.resolved(for: urls())
      }
      let sequences = try domain.read(urls())
      // A resumed run labels its files as it started; a different source given is refused below.
      let labels = resume ? opened.resumed?.training.labelFrom : options.labelFrom
      return (domain, try labels.map { try $0.labelled(sequences) } ?? sequences)
    }
    var runOptions = options
    var changes: [(name: String, old: String, new: String)] = []
    if let manifest = opened.resumed {
      (runOptions, changes) = try collective.agree { try manifest.training.resumed(with: options, given: given) }
    }
    let trainer = try Trainer(
      domain: domain, sequences: sequences, dataPaths: paths, options: runOptions, opened: opened,
      collective: collective)
    try reportStart(trainer, report: report)
    if !changes.isEmpty {
      let list = changes.map { "`\($0.name)` \($0.old) → \($0.new)" }.joined(separator: ", ")
      report(.line("changed on resume: \(list) (recorded in the manifest)"))
    }
    phase(true)
    var lastValidation: Double?
    let progress = collective.isSingle ? Event.progress : Event.line
    // The overfitting advice is said once, when it is true by the run's own history: its
    // patience grows with the longest wait for a new best the run has already sat out.
    let every = trainer.options.checkpointEvery
    var lastBest = trainer.manifest.progress.bestStep
    var longestWait = 0
    var advised = false
    func adviseIfOverfitting() {
      guard !advised,
        let advice = TrainingAdvice.overfitting(
          trainer.manifest.progress, checkpointEvery: every,
          patience: TrainingAdvice.patience(longestWait: longestWait))
      else { return }
      advised = true
      report(.line("advice: " + advice))
    }
    let unit = trainer.domain.stepUnit(of: trainer.codec)
    // A run whose step is not the data's own unit (a word model) also speaks in that unit.
    let trainUnit = trainer.domain.lossUnit(for: trainer.split.train, codec: trainer.codec)
    let validationUnit = trainer.domain.lossUnit(for: trainer.split.validation, codec: trainer.codec)
    try trainer.run { event in
      switch event {
      case .log(let r, let total):
        if let v = r.validationBits { lastValidation = v }
        let eta = r.stepsPerSecond > 0 ? Double(total - r.step) / r.stepsPerSecond : 0
        report(
          progress(
            String(
              format: "step %d/%d  epoch %.2f  loss %.4f nats = %.4f bits/%@%@  val %@  %.1f steps/s  %@ %@/s  ETA %@",
              r.step, total, r.epoch, r.trainLoss, r.trainBits, unit,
              trainUnit?.spelled(bitsPerStep: r.trainBits) ?? "",
              lastValidation.map {
                String(format: "%.4f bits", $0) + (validationUnit?.spelled(bitsPerStep: $0) ?? "")
              } ?? "–", r.stepsPerSecond,
              Int(r.itemsPerSecond).formatted(), unit, formatDuration(eta))
              + (r.reduceMsPerStep.map { String(format: "  allreduce %.1f ms/step", $0) } ?? "")))
      case .checkpoint(let step, let best):
        let v =
          trainer.manifest.progress.validationLoss.map {
            String(format: ", validation %.4f nats = %.4f bits/%@", $0, $0 / M_LN2, unit)
              + (validationUnit?.spelled(bitsPerStep: $0 / M_LN2) ?? "")
          } ?? ""
        report(.line("checkpoint at step \(step)\(v)\(best ? " (best so far)" : "") → \(run.url.path)"))
        if best {
          if let last = lastBest { longestWait = max(longestWait, (step - last) / max(every, 1) - 1) }
          lastBest = step
        }
        // (After the last checkpoint the summary says it.)
        if step < trainer.totalSteps { adviseIfOverfitting() }
      case .rejected(let step, let reason):
        report(.line("step \(step) rejected: \(reason); state reset, weights unchanged"))
      }
    }
    report(.trained(trainer.manifest))
    adviseIfOverfitting()
    if collective.rank == 0 {
      for line in try domain.trainingReport(
        .afterTraining, split: trainer.split, codec: trainer.codec, manifest: trainer.manifest)
      {
        report(.line(line))
      }
    }
    return trainer.manifest
  }

  /// The run's summary line, the advice on its sizes and the domain's report before training.
  private func reportStart(_ trainer: Trainer<D>, report: (Event) -> Void) throws {
    let m = trainer.manifest
    let o = trainer.options
    let n = trainer.collective.size
    let heldOut = trainer.heldOutFiles.count
    let unit = trainer.domain.stepUnit(of: trainer.codec)
    report(
      .line(
        "\(resume ? "resuming" : "training") \(D.name): \(o.numLayers)×\(o.hiddenSize) LSTM, "
          + (m.model.embedding.map { "\($0.tied ? "tied " : "")input table of \($0.size), " } ?? "")
          + "\(m.model.parameterCount.formatted()) parameters, "
          + "\(trainer.trainingSteps.formatted()) training / \(trainer.validationSteps.formatted()) validation \(unit)s"
          + (heldOut == 0 ? ", " : " (\(heldOut) held-out file\(heldOut == 1 ? "" : "s")), ")
          + "batch \(o.batchSize)×\(o.seqLength)\(n > 1 ? " over \(n) processes (\(o.batchSize / n) streams each)" : ""), "
          + "\(trainer.chunksPerEpoch) steps/epoch, steps \(trainer.step)→\(trainer.totalSteps), BLAS \(BLAS.coreName)")
    )
    report(
      .line(
        TrainingAdvice.sizes(
          parameters: m.model.parameterCount, steps: trainer.trainingSteps, unit: unit, options: o,
          augments: trainer.domain.augments(trainer.codec))))
    guard trainer.collective.rank == 0 else { return }
    if !resume, let recipe = trainer.domain.recipe(for: trainer.split, codec: trainer.codec),
      let advice = TrainingAdvice.recipe(recipe, defaults: trainer.domain.trainingDefaults, run: o)
    {
      report(.line(advice))
    }
    for line in try trainer.domain.trainingReport(
      .beforeTraining, split: trainer.split, codec: trainer.codec, manifest: trainer.manifest)
    {
      report(.line(line))
    }
  }
}

/// "1h2m", "3m4s", "5s".
public func formatDuration(_ seconds: Double) -> String {
  guard seconds.isFinite, seconds >= 0 else { return "?" }
  let s = Int(seconds.rounded())
  return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
}

/// Errors of the library layer.
public enum TrainingSessionError: Error, CustomStringConvertible {
  /// The failure was reported through the session's events already (a process of a parallel job).
  case reported

  public var description: String {
    switch self {
    case .reported: "training failed (reported above)"
    }
  }
}
