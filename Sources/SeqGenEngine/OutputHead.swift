/// Maps the model's output rows to a distribution over the next step: trains it (loss and
/// gradient) and draws from it (sample).
///
/// The engine's linear decoder produces `outputSize` numbers per row; what they mean is the
/// head's business (class logits; mixture parameters; per-sample logits of a frame).
public protocol OutputHead: Sendable {
  /// What the head is trained to predict at one step (a class index, a pen offset, a frame).
  associatedtype Target: Sendable
  /// What the head draws for one step during generation.
  associatedtype Sample: Sendable

  /// Numbers the head reads per row.
  var outputSize: Int { get }

  /// Trainable tensors of the head itself, beyond the shared decoder, in layout order (e.g. the
  /// sample-level MLP of a frame head). Most heads have none.
  var parameterSpecs: [ParameterSpec] { get }

  /// Sets the head's own parameters to their initial values.
  func initialize(_ parameters: HeadParameters, rng: inout SeededGenerator)

  /// Negative log-likelihood of the targets, in nats, summed over rows that have a target.
  ///
  /// - Parameters:
  ///   - output: (N, outputSize).
  ///   - targets: N entries; nil rows (padding) add nothing and get a zero gradient.
  ///   - scale: factor applied to the gradient (1/count for a mean loss).
  ///   - dOutput: if given, receives scale · ∂loss/∂output, (N, outputSize), and the head's own
  ///     parameter gradients are accumulated (`+=`) into `parameters.gradients`.
  func loss(
    _ output: UnsafePointer<Float>, targets: UnsafeBufferPointer<Target?>, scale: Float,
    dOutput: UnsafeMutablePointer<Float>?, parameters: HeadParameters
  ) -> Double

  /// Draws one step from one output row.
  func sample(
    _ output: UnsafePointer<Float>, controls: SamplingControls, parameters: HeadParameters, rng: inout SeededGenerator
  ) -> Sample

  /// Whether the head's distribution also reads the step before the one it draws, directly
  /// and not only through the LSTM (a frame head whose window reaches back into the previous
  /// frame). The generator builds that step's target only for heads that read it.
  var readsPreviousStep: Bool { get }

  /// Draws one step from one output row, following `previous`: the target form of the step the
  /// model has just read (the last prime step, then each step drawn). Heads that do not read
  /// the previous step ignore it.
  func sample(
    _ output: UnsafePointer<Float>, after previous: Target, controls: SamplingControls, parameters: HeadParameters,
    rng: inout SeededGenerator
  ) -> Sample

  /// The sampling controls this head reads; any other control set on `SamplingControls` is
  /// refused by `check` before generation starts, so a knob never silently does nothing.
  static var acceptedControls: Set<SamplingControl> { get }

  /// Checks the values of accepted controls that only this head can judge (a gate that needs
  /// a sample window, a range in levels). The shared ranges are checked by `check` first.
  func checkOwnControls(_ controls: SamplingControls) throws(EngineError)
}

extension OutputHead {
  public func checkOwnControls(_ controls: SamplingControls) throws(EngineError) {}

  /// Refuses controls out of range or not read by this head, naming the control.
  public func check(_ controls: SamplingControls) throws(EngineError) {
    try controls.validate()
    if let unused = SamplingControl.allCases.first(where: {
      controls.given.contains($0) && !Self.acceptedControls.contains($0)
    }) {
      throw .invalidOption(name: unused.rawValue, reason: "is not read by this model's output head (\(Self.self))")
    }
    try checkOwnControls(controls)
  }

  public var parameterSpecs: [ParameterSpec] { [] }
  public func initialize(_ parameters: HeadParameters, rng: inout SeededGenerator) {}
  public var readsPreviousStep: Bool { false }
  public func sample(
    _ output: UnsafePointer<Float>, after previous: Target, controls: SamplingControls, parameters: HeadParameters,
    rng: inout SeededGenerator
  ) -> Sample {
    sample(output, controls: controls, parameters: parameters, rng: &rng)
  }
}

/// The head's own block of the flat parameter buffers, laid out in `parameterSpecs` order.
public struct HeadParameters {
  public var values: UnsafeMutablePointer<Float>
  public var gradients: UnsafeMutablePointer<Float>

  public init(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
    self.values = values
    self.gradients = gradients
  }
}

extension HeadParameters {
  /// For heads that have no parameters of their own.
  public static var none: HeadParameters { HeadParameters(values: emptyBlock, gradients: emptyBlock) }
}

nonisolated(unsafe) private let emptyBlock = UnsafeMutablePointer<Float>.allocate(capacity: 1)

/// A named tensor shape (torch naming), as saved in manifests.
public struct ParameterSpec: Codable, Sendable, Equatable {
  public var name: String
  public var shape: [Int]

  public init(_ name: String, _ shape: [Int]) {
    self.name = name
    self.shape = shape
  }

  public var count: Int { shape.reduce(1, *) }
}

/// One knob of `SamplingControls`, named as its property (front ends map it to their own
/// spelling: `topK` is `--top-k` on the command line).
public enum SamplingControl: String, CaseIterable, Sendable {
  case temperature, topK, topP, argmax, bias, loudnessGate
}

/// The knobs of generation. Each head declares those it reads (`OutputHead.acceptedControls`).
public struct SamplingControls: Codable, Sendable, Equatable, DescribedSettings, DecodableWithDefaults {
  /// Divides logits (sharper below 1, flatter above). Must be > 0.
  public var temperature: Float = 1
  /// Keep only the k most likely classes.
  public var topK: Int?
  /// Keep the smallest set of classes whose probability reaches p, in (0, 1].
  public var topP: Float?
  /// Always take the most likely class.
  public var argmax = false
  /// Graves' sampling bias for mixture heads (≥ 0; larger is neater and less varied).
  public var bias: Float?
  /// Frame heads only: temperature, top-k, top-p and argmax apply to a sample only when the
  /// window before it is loud, its levels on average at least this far from the middle level;
  /// quieter, the plain softmax is drawn from. Sharpening everywhere keeps a quiet stretch
  /// quiet for good (the rare draws that would start a sound are cut away); gated, it shapes
  /// the sound without that trap, like LPCNet's sharpening of voiced frames only.
  public var loudnessGate: Int?

  public init(
    temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, argmax: Bool = false, bias: Float? = nil,
    loudnessGate: Int? = nil
  ) {
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.argmax = argmax
    self.bias = bias
    self.loudnessGate = loudnessGate
  }

  public init() { self.init(temperature: 1) }

  public static let settings = [
    Setting(
      "temperature", label: "Temperature",
      help: "Divides the logits: below 1 is more conservative, above 1 more surprising.", kind: .number,
      default: .number(1), minimum: 0, exclusiveMinimum: true),
    Setting(
      "topK", label: "Top-k", help: "Draw only from the k most likely choices (off by default).", kind: .integer,
      minimum: 1),
    Setting(
      "topP", label: "Top-p",
      help: "Draw only from the most likely choices that together reach probability p (nucleus sampling).",
      kind: .number, minimum: 0, maximum: 1, exclusiveMinimum: true),
    Setting(
      "argmax", label: "Most likely", help: "Always take the most likely choice (no randomness).", kind: .bool,
      default: .bool(false), advanced: true),
    Setting(
      "bias", label: "Bias",
      help: "Graves' sampling bias b: σ = exp(σ̂ − b), π = softmax(π̂·(1 + b)); larger is neater, less varied.",
      kind: .number, minimum: 0),
    Setting(
      "loudnessGate", label: "Loudness gate",
      help: "Sharpen only samples whose window is at least this many levels from the middle.", kind: .integer,
      advanced: true),
  ]

  /// The controls set away from their neutral value (temperature 1 is neutral).
  public var given: Set<SamplingControl> {
    var set: Set<SamplingControl> = []
    if temperature != 1 { set.insert(.temperature) }
    if topK != nil { set.insert(.topK) }
    if topP != nil { set.insert(.topP) }
    if argmax { set.insert(.argmax) }
    if bias != nil { set.insert(.bias) }
    if loudnessGate != nil { set.insert(.loudnessGate) }
    return set
  }

  /// The range checks every head shares (`settings`).
  public func validate() throws(EngineError) { try checkRanges() }
}
