import ArgumentParser
import Foundation
import SeqGenEngine

/// The flags of `seqgen generate` that every domain has.
public struct GenerateFlags: ParsableArguments {
  public init() {}

  @Argument(help: ArgumentHelp("A run directory written by seqgen train.", valueName: "run-dir"))
  public var runDir: String

  @Option(help: "Softmax temperature (> 0): below 1 is more conservative, above 1 more surprising.") public
    var temperature: Float = 1
  @Option(help: "Random seed for sampling: same seed, same output.") public var seed: UInt64 = 1
  @Option(help: "Number of samples, generated together as one batch.") public var count = 1
  @Option(
    help: ArgumentHelp(
      "What primes the state before sampling: text, or a file for domains primed from files.", valueName: "prime"))
  public var prime: String?
  @Option(help: ArgumentHelp("A file whose content primes the state.", valueName: "file")) public var primeFile: String?
  @Option(
    help: ArgumentHelp("Where the samples are written (text runs print to stdout without it).", valueName: "file"))
  public var out: String?
  @Option(help: "Checkpoint to sample from: best (lowest validation loss) or latest.") public var checkpoint:
    RunDirectory.Which = .best

  public var run: RunDirectory { RunDirectory(URL(fileURLWithPath: runDir)) }

  /// The shared request, with the controls the domain's own flags set.
  public func request(_ controls: SamplingControls = SamplingControls()) -> GenerationRequest {
    var controls = controls
    controls.temperature = temperature
    return GenerationRequest(
      checkpoint: checkpoint, controls: controls, seed: seed, count: count, prime: prime, primeFile: primeFile, out: out
    )
  }

  public func validate() throws { try validating { try request().validate() } }
}

/// The class cut-offs of domains whose head draws from a softmax (text, notes, audio).
public struct CutoffFlags: ParsableArguments {
  public init() {}

  @Option(help: "Sample only among the k most likely next steps.") public var topK: Int?
  @Option(help: "Sample only among the most likely next steps whose probability adds up to p, in (0, 1].") public
    var topP: Float?
  @Flag(help: "Always take the most likely next step (greedy).") public var argmax = false

  public var controls: SamplingControls { SamplingControls(topK: topK, topP: topP, argmax: argmax) }

  public func validate() throws { try validating { try controls.validate() } }
}

/// `--length` and `--skip-unknown`: the options of domains with plain generation (text).
public struct PlainGenerateFlags: ParsableArguments {
  public init() {}

  @Option(help: "Steps to generate per sample.") public var length = PlainGenerationOptions().length
  @Flag(help: "Skip prime characters the model has never seen instead of failing.") public var skipUnknown = false
  @Flag(help: "With --out FILE, also write FILE.json: the run, checkpoint, seed and settings that made it.")
  public var provenance = false

  public var options: PlainGenerationOptions {
    PlainGenerationOptions(length: length, skipUnknown: skipUnknown, provenance: provenance)
  }

  public func validate() throws { try validating { try options.validate() } }
}

/// Runs a library check inside `validate()`, its message spelled with flags.
public func validating(_ check: () throws -> Void) throws {
  do { try check() } catch let error as ValidationError { throw error } catch {
    throw ValidationError(SeqGen.oneLine("\(error)"))
  }
}

extension RunDirectory.Which: ExpressibleByArgument {}
