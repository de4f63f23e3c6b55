import Foundation

extension SequenceDomain {
  /// The part of generation every domain shares: loads the checkpoint `request` names, builds
  /// the prime, samples `length` steps per sample (fewer where `isComplete` stops a sample).
  ///
  /// - Parameters:
  ///   - onPrime: sees the prime and the loaded generator before the first step; may refuse.
  ///   - onStep: sees (sample index, step) as each step is drawn.
  /// - Returns: the samples (without the prime), the prime, and the generator (its `domain` is
  ///   configured as the run was, its `codec` is the run's).
  public func sample(
    run: RunDirectory, request: GenerationRequest, prime: PrimeRequest, length: Int, controls: SamplingControls? = nil,
    masked: (Codec) -> [Int] = { _ in [] }, stepControls: ((Int, Step) throws -> [Float])? = nil,
    isComplete: ([Step]) -> Bool = { _ in false },
    onPrime: ([Step], Generator<Self>) throws -> Void = { _, _ in },
    onStep: (Int, Step, Generator<Self>) -> Void = { _, _, _ in }
  ) throws -> (samples: [[Step]], prime: [Step], generator: Generator<Self>) {
    let generator = try Generator(domain: self, checkpoint: try run.checkpoint(request.checkpoint))
    let primeSteps = try generator.domain.prime(prime, codec: generator.codec)
    try onPrime(primeSteps, generator)
    let samples = try generator.generate(
      prime: primeSteps, length: length, count: request.count, controls: controls ?? request.controls,
      seed: request.seed, masked: masked(generator.codec), label: request.label,
      stepControls: stepControls, isComplete: isComplete,
      onStep: { onStep($0, $1, generator) }, cancellation: request.cancellation)
    return (samples, primeSteps, generator)
  }
}

/// The options of a domain whose generation is the generic one (`SequenceDomain.generate`
/// for `StepGenerating` options): a length, whether unknown prime steps are skipped, whether
/// provenance is written, and, through the domain, how much of the length a step uses and
/// which classes are never drawn.
public protocol StepGenerating: DescribedSettings, DecodableWithDefaults, Encodable, Sendable {
  /// How much every sample may grow, in the units `SequenceDomain.lengthUnits` counts (every
  /// step uses at least one, so it also bounds the steps).
  var limit: Int { get }
  var skipUnknown: Bool { get }
  var provenance: Bool { get }
  var stripPrime: Bool { get }
  func validate() throws
}

extension PlainGenerationOptions: StepGenerating {
  public var limit: Int { length }
}

extension SequenceDomain where GenerationOptions: StepGenerating {
  /// How samples were made, as JSON: the run, its checkpoint and step, and the request and
  /// options as given (`seqgen generate` takes them back flag for flag).
  static func provenance(run: RunDirectory, request: GenerationRequest, options: GenerationOptions) throws
    -> Data
  {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(
      PlainProvenance(
        domain: Self.name, run: run.url.path, step: try run.manifest().step(of: request.checkpoint), request: request,
        options: options))
  }

  /// Generic generation: each step streamed as text through `events` when the domain streams,
  /// the samples written to `request.out` when given.
  public func generate(
    run: RunDirectory, request: GenerationRequest, options: GenerationOptions, events: (GenerationEvent) -> Void
  ) throws -> GenerationOutput {
    try request.validate()
    try options.validate()
    if options.provenance, request.out == nil {
      throw EngineError.invalidArgument("`provenance` writes beside `out` FILE; give `out`")
    }
    var streams = false
    // A prime the user gave begins every output unless stripped (the default prime does not).
    let keepsPrime = request.primePath != nil && !options.stripPrime
    let primeRequest = PrimeRequest(
      text: request.prime, file: request.primeFile.map { URL(fileURLWithPath: $0) }, skipUnknown: options.skipUnknown)
    // The length used by each sample; the generator asks `isComplete` of the sample whose step
    // `onStep` has just seen.
    var used = Array(repeating: 0, count: request.count)
    // Each sample's steps drawn but not yet streamed (inside a character).
    var pending = Array(repeating: [Step](), count: request.count)
    var last = 0
    let (samples, prime, generator) = try sample(
      run: run, request: request, prime: primeRequest, length: options.limit,
      masked: { codec in self.maskedSamples(codec: codec, options: options) },
      isComplete: { _ in used[last] >= options.limit },
      onPrime: { prime, g in
        streams = g.domain.streamed(prime[0], codec: g.codec) != nil
        guard streams || request.out != nil else {
          throw EngineError.invalidArgument("\(Self.name) samples cannot be printed; give `out`")
        }
        if streams, keepsPrime {
          events(.primed(text: g.domain.text(of: prime[...], codec: g.codec) ?? ""))
        }
      },
      onStep: { b, step, g in
        last = b
        used[b] += g.domain.lengthUnits(of: step, codec: g.codec, options: options)
        guard streams else { return }
        pending[b].append(step)
        if let text = g.domain.text(of: pending[b][...], codec: g.codec) {
          pending[b].removeAll(keepingCapacity: true)
          events(.step(sample: b, text: text))
        }
      })
    let outputs = keepsPrime ? samples.map { prime + $0 } : samples
    var output = GenerationOutput()
    if streams {
      output.texts = outputs.map { generator.domain.wholeText(of: $0, codec: generator.codec) }
    }
    if let out = request.out {
      let url = URL(fileURLWithPath: out)
      try generator.domain.write(outputs, codec: generator.codec, to: url)
      output.files = [url]
      events(.notice("wrote \(request.count) sample\(request.count == 1 ? "" : "s") to \(out)"))
      if options.provenance {
        let sidecar = URL(fileURLWithPath: out + ".json")
        try AtomicFile.write(try Self.provenance(run: run, request: request, options: options), to: sidecar)
        output.files.append(sidecar)
      }
    }
    return output
  }
}

extension SequenceDomain {
  /// The text of a whole sample as it streamed: a character left unfinished at its end (the
  /// sample's length reached inside it) is left out.
  func wholeText(of steps: [Step], codec: Codec) -> String {
    var end = steps.endIndex
    while end > steps.startIndex {
      if let text = text(of: steps[..<end], codec: codec) { return text }
      end -= 1
    }
    return ""
  }
}

/// What `PlainGenerationOptions.provenance` writes beside the samples.
struct PlainProvenance<Options: Encodable>: Encodable {
  var seqgen = Manifest.seqgenVersion
  var domain: String
  var run: String
  var step: Int
  var request: GenerationRequest
  var options: Options
}
