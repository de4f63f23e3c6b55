import ArgumentParser
import Foundation
import SeqGenEngine
import SeqGenMPI

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `seqgen train <domain>` for any domain and shows its progress.
public enum Training {
  /// Reads the corpus once, sets up (or resumes) the run, prints the domain's reports before
  /// and after training and a progress line as it goes.
  ///
  /// Started by `mpirun`, each process trains its share of the batch (`Trainer`'s collective);
  /// process 0 alone prints, unless `--log-every-rank`. A failure while setting up stops every
  /// process with one line naming the rank and host that failed; a failure of one process
  /// while training aborts the whole job, so none waits for it.
  ///
  /// - Parameters:
  ///   - options: the training options when a domain's command sets some beyond its flags (a
  ///     conditioned model's window); by default the flags over `newDomain.trainingDefaults`.
  ///   - conditionedExample: what the closing `seqgen generate` hint adds for a conditioned
  ///     model (the domain's flag that gives the condition).
  public static func run<D: SequenceDomain>(
    _ newDomain: D, flags: TrainFlags, options: TrainingOptions? = nil, conditionedExample: String? = nil
  ) throws {
    let options = options ?? flags.options(defaults: newDomain.trainingDefaults)
    guard MPIProcesses.isLaunched else {
      return try train(
        newDomain, flags: flags, options: options, conditionedExample: conditionedExample, collective: SingleProcess())
    }
    let processes = try MPIProcesses()
    Parallel.shareCores(among: processes.localSize)
    Console.silent = processes.rank != 0 && !flags.logEveryRank
    var training = false
    do {
      try train(
        newDomain, flags: flags, options: options, conditionedExample: conditionedExample, collective: processes
      ) { training = $0 }
    } catch {
      // Errors every process throws together are the job's: rank 0 reports them for all. Any
      // other is this process's own, named by rank and host.
      let ofTheJob: Bool
      switch error as? EngineError {
      case .otherProcessFailed?, .diverged?, .processesDisagree?: ofTheJob = true
      default: ofTheJob = false
      }
      if !ofTheJob {
        Console.warn("Error: rank \(processes.rank) on \(processes.host): " + SeqGen.errorLine(for: error))
      } else if processes.rank == 0, (error as? EngineError) != .otherProcessFailed {
        Console.warn("Error: " + SeqGen.errorLine(for: error))
      }
      if training && !ofTheJob { processes.abort(code: 1) }
      processes.finalize()
      throw ExitCode.failure
    }
    processes.finalize()
  }

  private static func train<D: SequenceDomain>(
    _ newDomain: D, flags: TrainFlags, options: TrainingOptions, conditionedExample: String?,
    collective: any Collective,
    phase: (_ training: Bool) -> Void = { _ in }
  ) throws {
    let run = RunDirectory(URL(fileURLWithPath: flags.out))
    var paths = flags.data
    // A resumed run's manifest, read by rank 0 and sent to the others: the run directory need
    // only be on rank 0's machine.
    var resumed: Manifest?
    if flags.resume {
      var bytes = try collective.agree { collective.rank == 0 ? [UInt8](try run.manifest().encoded()) : [] }
      try collective.broadcast(&bytes)
      resumed = try Manifest.decode(Data(bytes), path: run.manifestURL.path)
    }
    let (domain, sequences) = try collective.agree { () throws -> (D, [SourceSequence<D.Step>]) in
      var domain = newDomain
      let urls = { paths.map { URL(fileURLWithPath: $0) } }
      if !flags.resume { domain = try domain.resolved(for: urls()) }
      if let manifest = resumed {
        // A resumed run reads (and augments) its files the way it started, whatever flags are given now.
        if paths.isEmpty { paths = manifest.data.paths }
        if manifest.domain == D.name {
          domain = domain.configured(for: try manifest.codec(as: D.Codec.self, path: run.url.path))
        }
      }
      return (domain, try domain.read(urls()))
    }
    let trainer = try Trainer(
      domain: domain, sequences: sequences, dataPaths: paths, options: options, run: run, resume: flags.resume,
      collective: collective)
    let m = trainer.manifest
    let o = trainer.options
    let n = collective.size
    Console.line(
      "\(flags.resume ? "resuming" : "training") \(D.name): \(o.numLayers)×\(o.hiddenSize) LSTM, \(m.model.parameterCount.formatted()) parameters, "
        + "\(trainer.trainingSteps.formatted()) training / \(trainer.validationSteps.formatted()) validation \(D.stepUnit)s"
        + (trainer.heldOutFiles.isEmpty
          ? ", " : " (\(trainer.heldOutFiles.count) held-out file\(trainer.heldOutFiles.count == 1 ? "" : "s")), ")
        + "batch \(o.batchSize)×\(o.seqLength)\(n > 1 ? " over \(n) processes (\(o.batchSize / n) streams each)" : ""), "
        + "\(trainer.chunksPerEpoch) steps/epoch, steps \(trainer.step)→\(trainer.totalSteps), BLAS \(BLAS.coreName)"
    )
    phase(true)
    Console.line(
      SeqGen.oneLine(
        TrainingAdvice.sizes(
          parameters: m.model.parameterCount, steps: trainer.trainingSteps, unit: D.stepUnit, options: o,
          augments: domain.augments(trainer.codec))))
    if collective.rank == 0 {
      for line in try domain.trainingReport(
        .beforeTraining, split: trainer.split, codec: trainer.codec, manifest: trainer.manifest)
      {
        Console.line(line)
      }
    }
    let live = isatty(STDOUT_FILENO) == 1 && Console.capture == nil && collective.isSingle
    var lastValidation: Double?
    try trainer.run { event in
      switch event {
      case .log(let r, let total):
        if let v = r.validationBits { lastValidation = v }
        let eta = r.stepsPerSecond > 0 ? Double(total - r.step) / r.stepsPerSecond : 0
        let line =
          String(
            format: "step %d/%d  epoch %.2f  loss %.4f nats = %.4f bits/%@  val %@  %.1f steps/s  %@ %@/s  ETA %@",
            r.step, total, r.epoch, r.trainLoss, r.trainBits, D.stepUnit,
            lastValidation.map { String(format: "%.4f bits", $0) } ?? "–", r.stepsPerSecond,
            Int(r.itemsPerSecond).formatted(), D.stepUnit, duration(eta))
          + (r.reduceMsPerStep.map { String(format: "  allreduce %.1f ms/step", $0) } ?? "")
        if live {
          Console.write("\r\u{1B}[K" + line)
        } else {
          Console.line(line)
        }
      case .checkpoint(let step, let best):
        if live { Console.line("") }
        let v =
          trainer.manifest.progress.validationLoss.map {
            String(format: ", validation %.4f nats = %.4f bits/%@", $0, $0 / M_LN2, D.stepUnit)
          } ?? ""
        Console.line("checkpoint at step \(step)\(v)\(best ? " (best so far)" : "") → \(run.url.path)")
        // (After the last checkpoint the summary says it.)
        if step < trainer.totalSteps,
          let advice = TrainingAdvice.overfitting(trainer.manifest.progress, checkpointEvery: o.checkpointEvery)
        {
          Console.line("advice: " + SeqGen.oneLine(advice))
        }
      case .rejected(let step, let reason):
        if live { Console.line("") }
        Console.line("step \(step) rejected: \(reason); state reset, weights unchanged")
      }
    }
    let example = m.model.condition == nil ? "" : conditionedExample.map { " " + $0 } ?? ""
    Console.line("done: \(run.url.path) (generate with: seqgen generate \(run.url.path)\(example))")
    if let advice = TrainingAdvice.overfitting(trainer.manifest.progress, checkpointEvery: o.checkpointEvery) {
      Console.line("advice: " + SeqGen.oneLine(advice))
    }
    if collective.rank == 0 {
      for line in try domain.trainingReport(
        .afterTraining, split: trainer.split, codec: trainer.codec, manifest: trainer.manifest)
      {
        Console.line(line)
      }
    }
  }

  /// "1h2m", "3m4s", "5s".
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
  }
}
