import ArgumentParser
import Foundation
import SeqGenEngine

/// The flags of `seqgen generate` that every domain has, their help in `Commands`' words (what
/// primes its runs, what it writes).
public struct GenerateFlags<Commands: DomainCommands>: ParsableArguments {
  public init() {}

  @Argument(help: ArgumentHelp("A run directory written by seqgen train.", valueName: "run-dir"))
  public var runDir: String

  @Option(help: ArgumentHelp(SamplingControls.setting("temperature"))) public var temperature: Float = 1
  @Option(help: ArgumentHelp(GenerationRequest.setting("seed"))) public var seed: UInt64 = 1
  @Option(help: ArgumentHelp(GenerationRequest.setting("count"))) public var count = 1
  @Option(help: ArgumentHelp(Commands.primeHelp, valueName: "prime")) public var prime: String?
  @Option(help: ArgumentHelp(Commands.primeFileHelp, valueName: "file")) public var primeFile: String?
  @Option(help: ArgumentHelp(Commands.outHelp, valueName: "file")) public var out: String?
  @Option(help: ArgumentHelp(GenerationRequest.setting("checkpoint"))) public var checkpoint: RunDirectory.Which =
    .best
  @Option(help: ArgumentHelp(GenerationRequest.setting("label"))) public var label: String?

  public var run: RunDirectory { RunDirectory(URL(fileURLWithPath: runDir)) }

  /// The shared request, with the controls the domain's own flags set.
  public func request(_ controls: SamplingControls = SamplingControls()) -> GenerationRequest {
    var controls = controls
    controls.temperature = temperature
    return GenerationRequest(
      checkpoint: checkpoint, controls: controls, seed: seed, count: count, prime: prime, primeFile: primeFile,
      out: out,
      label: label)
  }

  public func validate() throws { try validating { try request().validate() } }
}

/// The class cut-offs of domains whose head draws from a softmax (text, notes, audio).
public struct CutoffFlags: ParsableArguments {
  public init() {}

  @Option(help: ArgumentHelp(SamplingControls.setting("topK"))) public var topK: Int?
  @Option(help: ArgumentHelp(SamplingControls.setting("topP"))) public var topP: Float?
  @Flag(help: ArgumentHelp(SamplingControls.setting("argmax"))) public var argmax = false

  public var controls: SamplingControls { SamplingControls(topK: topK, topP: topP, argmax: argmax) }

  public func validate() throws { try validating { try controls.validate() } }
}

/// `--length`, `--skip-unknown`, `--provenance` and `--strip-prime`: the options of domains with
/// plain generation.
public struct PlainGenerateFlags: ParsableArguments {
  public init() {}

  @Option(help: ArgumentHelp(PlainGenerationOptions.setting("length"))) public var length = PlainGenerationOptions()
    .length
  @Flag(help: ArgumentHelp(PlainGenerationOptions.setting("skipUnknown"))) public var skipUnknown = false
  @Flag(help: ArgumentHelp(PlainGenerationOptions.setting("provenance"))) public var provenance = false
  @Flag(help: ArgumentHelp(PlainGenerationOptions.setting("stripPrime"))) public var stripPrime = false

  public var options: PlainGenerationOptions {
    PlainGenerationOptions(length: length, skipUnknown: skipUnknown, provenance: provenance, stripPrime: stripPrime)
  }

  public func validate() throws { try validating { try options.validate() } }
}

/// Runs a library check inside `validate()`, its message spelled with flags.
public func validating(_ check: () throws -> Void) throws {
  do { try check() } catch let error as ValidationError { throw error } catch {
    throw ValidationError(CommandCatalog.oneLine("\(error)"))
  }
}

extension RunDirectory.Which: ExpressibleByArgument {}
