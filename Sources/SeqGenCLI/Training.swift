import ArgumentParser
import Foundation
import SeqGenEngine
import SeqGenKit

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `seqgen train <domain>` for any domain: the flags onto a `TrainingSession`, its lines
/// onto the terminal.
public enum Training {
  /// Trains as `flags` say; progress lines redraw in place on a terminal.
  ///
  /// - Parameters:
  ///   - options: the training options when a domain's command sets some beyond its flags (a
  ///     conditioned model's window); by default the flags over `domain.trainingDefaults`.
  ///   - conditionedExample: what the closing `seqgen generate` hint adds for a conditioned
  ///     model (the domain's flag that gives the condition).
  ///   - given: the domain's settings the user gave (by `Setting` name), which a resumed run
  ///     refuses where they differ from the run's.
  public static func run<D: SequenceDomain, C>(
    _ domain: D, flags: TrainFlags<C>, options: TrainingOptions? = nil, conditionedExample: String? = nil,
    given: Set<String> = []
  ) throws {
    var session = TrainingSession(
      domain: domain, data: flags.data, run: RunDirectory(URL(fileURLWithPath: flags.out)), resume: flags.resume,
      options: options ?? flags.options(defaults: domain.trainingDefaults))
    session.reportEveryRank = flags.logEveryRank
    session.given = flags.given.union(given)
    let live = isatty(STDOUT_FILENO) == 1 && Console.capture == nil
    var redrawing = false
    do {
      try session.start { event in
        switch event {
        case .progress(let line) where live:
          Console.write("\r\u{1B}[K" + line)
          redrawing = true
        case .progress(let line), .line(let line):
          if redrawing { Console.line("") }
          redrawing = false
          Console.line(CommandCatalog.oneLine(line))
        case .trained(let manifest):
          if redrawing { Console.line("") }
          redrawing = false
          let example = manifest.model.condition == nil ? "" : conditionedExample.map { " " + $0 } ?? ""
          let path = session.run.url.path
          Console.line("done: \(path) (generate with: seqgen generate \(path)\(example))")
        case .failed(let line):
          Console.warn("Error: " + CommandCatalog.oneLine(line))
        }
      }
    } catch TrainingSessionError.reported {
      throw ExitCode.failure
    }
  }
}
