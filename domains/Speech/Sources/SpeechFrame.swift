/// One step of speech: the quantiser indices of one codec2 frame (voicing, pitch, energy, the
/// spectral envelope's LSPs), in `Codec2Mode.fieldBits` order.
public struct SpeechFrame: Sendable, Equatable {
  public var fields: [Int]

  public init(fields: [Int]) { self.fields = fields }
}
