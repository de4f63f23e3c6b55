import ArgumentParser
import Foundation
import HandwritingDomain
import SeqGenEngine

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate new sequences from a trained run.",
    discussion: """
      The run's manifest says which domain it is. The state is primed with --prime (or
      --prime-file), then each sampled step is fed back in. Text streams to stdout as it is
      generated unless --out is given. Same --seed, same output.
      Example: seqgen generate runs/shakespeare --prime "ROMEO:" --length 400 --temperature 0.8
      """
  )

  @Argument(help: ArgumentHelp("A run directory written by seqgen train.", valueName: "run-dir"))
  var runDir: String

  @Option(help: "Steps to generate per sample.") var length = 500
  @Option(help: "Softmax temperature (> 0): below 1 is more conservative, above 1 more surprising.") var temperature: Float = 1
  @Option(help: "Sample only among the k most likely next steps.") var topK: Int?
  @Option(help: "Sample only among the most likely next steps whose probability adds up to p, in (0, 1].") var topP: Float?
  @Flag(help: "Always take the most likely next step (greedy).") var argmax = false
  @Option(help: "Random seed for sampling.") var seed: UInt64 = 1
  @Option(help: "Number of samples, generated together as one batch.") var count = 1
  @Option(help: "Text that primes the state before sampling.") var prime: String?
  @Option(help: ArgumentHelp("A file whose content primes the state.", valueName: "file")) var primeFile: String?
  @Flag(help: "Skip prime characters the model has never seen instead of failing.") var skipUnknown = false
  @Option(help: ArgumentHelp("Write the samples to this file instead of stdout.", valueName: "file")) var out: String?
  @Option(help: "Checkpoint to sample from: best (lowest validation loss) or latest.") var checkpoint: RunDirectory.Which = .best
  @OptionGroup(title: "Notes and audio") var timed: TimedGenerateFlags
  // Domain-specific flag groups (each in its domain's CLI file):
  @OptionGroup(title: "Handwriting") var handwriting: HandwritingGenerateFlags
  @OptionGroup(title: "Notes") var notes: NotesGenerateFlags
  @OptionGroup(title: "Audio") var audio: AudioGenerateFlags

  func validate() throws {
    guard length >= 1, length <= 100_000_000 else { throw ValidationError("--length must be in 1...100000000, got \(length)") }
    guard (1...4096).contains(count) else { throw ValidationError("--count must be in 1...4096, got \(count)") }
    guard prime == nil || primeFile == nil else { throw ValidationError("give --prime or --prime-file, not both") }
    do { try controls.validate() } catch { throw ValidationError(error.description) }
  }

  var controls: SamplingControls { SamplingControls(temperature: temperature, topK: topK, topP: topP, argmax: argmax, bias: handwriting.bias) }

  func run() throws {
    let dir = RunDirectory(URL(fileURLWithPath: runDir))
    let name = try dir.manifest().domain
    try handwriting.check(domain: name)
    try audio.check(domain: name)
    let isNotes = try notes.check(domain: name)
    try timed.check(domain: name)
    switch name {
    case HandwritingDomain.name: try generateHandwriting(dir: dir)
    case _ where isNotes: try generateNotes(dir: dir)
    case AudioGenerateFlags.domainName: try generateAudio(dir: dir)
    default: try generate(try Domains.named(name), dir: dir)
    }
  }

  /// The part every domain shares: load the checkpoint, build the prime, sample.
  func sample<D: SequenceDomain>(
    _ domain: D, dir: RunDirectory, primeRequest: PrimeRequest? = nil, controls: SamplingControls? = nil, isComplete: ([D.Step]) -> Bool = { _ in false },
    onPrime: ([D.Step], Generator<D>) -> Void = { _, _ in }, onStep: (Int, D.Step, Generator<D>) -> Void = { _, _, _ in }
  ) throws -> (samples: [[D.Step]], prime: [D.Step], generator: Generator<D>) {
    let generator = try Generator(domain: domain, checkpoint: try dir.checkpoint(checkpoint))
    let request = primeRequest ?? PrimeRequest(text: prime, file: primeFile.map { URL(fileURLWithPath: $0) }, skipUnknown: skipUnknown)
    let primeSteps = try domain.prime(request, codec: generator.codec)
    onPrime(primeSteps, generator)
    let samples = try generator.generate(
      prime: primeSteps, length: length, count: count, controls: controls ?? self.controls, seed: seed, isComplete: isComplete,
      onStep: { onStep($0, $1, generator) })
    return (samples, primeSteps, generator)
  }

  /// Generic generation: streamed to the terminal when the domain streams, else written to --out.
  private func generate<D: SequenceDomain>(_ domain: D, dir: RunDirectory) throws {
    var stream = false
    let (samples, primeSteps, generator) = try sample(
      domain, dir: dir,
      onPrime: { primeSteps, generator in
        stream = out == nil && count == 1 && domain.streamed(primeSteps[0], codec: generator.codec) != nil
        if stream, prime != nil || primeFile != nil {
          Console.write(primeSteps.compactMap { domain.streamed($0, codec: generator.codec) }.joined())
        }
      },
      onStep: { _, step, generator in
        if stream, let text = domain.streamed(step, codec: generator.codec) { Console.write(text) }
      })
    if stream {
      Console.line("")
    } else if let out {
      try domain.write(samples, codec: generator.codec, to: URL(fileURLWithPath: out))
      Console.warn("wrote \(count) sample\(count == 1 ? "" : "s") to \(out)")
    } else {
      for (n, sample) in samples.enumerated() {
        let text = sample.compactMap { domain.streamed($0, codec: generator.codec) }.joined()
        Console.line("=== sample \(n + 1) of \(count) ===\n\(text)")
      }
      if domain.streamed(primeSteps[0], codec: generator.codec) == nil {
        throw ValidationError("\(D.name) samples cannot be printed; give --out FILE")
      }
    }
  }
}

extension RunDirectory.Which: ExpressibleByArgument {}

/// Flags of the domains whose steps have a duration (notes, audio): how long to generate, how
/// much of a prime file to use, and whether the prime is left out of the output.
struct TimedGenerateFlags: ParsableArguments {
  static let domains = [NotesGenerateFlags.domainName, AudioGenerateFlags.domainName]

  @Option(help: "Seconds to generate per sample (notes: default 30; audio: default 2).") var seconds: Double?
  @Option(help: ArgumentHelp("Use only the first this-many seconds of --prime FILE (notes, audio).", valueName: "seconds"))
  var primeSeconds: Double?
  @Flag(help: "Leave the prime out of the written output (notes, audio).") var stripPrime = false

  func validate() throws {
    if let seconds, !(seconds > 0 && seconds <= 3600) { throw ValidationError("--seconds must be in (0, 3600], got \(seconds)") }
    if let primeSeconds, !(primeSeconds > 0 && primeSeconds.isFinite) {
      throw ValidationError("--prime-seconds must be a positive number, got \(primeSeconds)")
    }
  }

  /// Rejects these flags on runs without a time axis.
  func check(domain: String) throws {
    let given = [seconds.map { _ in "--seconds" }, primeSeconds.map { _ in "--prime-seconds" }, stripPrime ? "--strip-prime" : nil].compactMap { $0 }
    guard !Self.domains.contains(domain), !given.isEmpty else { return }
    throw ValidationError("\(given.joined(separator: ", ")) appl\(given.count == 1 ? "ies" : "y") to notes and audio runs only; this run is \(domain)")
  }
}
