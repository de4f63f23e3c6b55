/// Pen-down strokes in absolute coordinates (y pointing down, as on a page, in SVG and in IAM
/// files): what files hold, before offsets and after generation.
public struct Ink: Sendable, Equatable {
  /// Each stroke is the points from pen-down to pen-up, in drawing order.
  public var strokes: [[SIMD2<Double>]]

  public init(strokes: [[SIMD2<Double>]]) { self.strokes = strokes }

  /// Largest |coordinate| a reader accepts: beyond it offsets lose precision in Float32.
  public static let maxCoordinate = 1e7

  public var pointCount: Int { strokes.reduce(0) { $0 + $1.count } }

  /// The steps of this ink: (0, 0, false) for the first point, then each point's offset from the
  /// previous one, eos on the last point of every stroke.
  public var steps: [PenStep] {
    var steps: [PenStep] = []
    steps.reserveCapacity(pointCount)
    var previous: SIMD2<Double>?
    for stroke in strokes {
      for (i, p) in stroke.enumerated() {
        let d = previous.map { p - $0 } ?? .zero
        steps.append(PenStep(dx: Float(d.x), dy: Float(d.y), eos: i == stroke.count - 1))
        previous = p
      }
    }
    return steps
  }

  /// Rebuilds strokes from steps, the first step landing at `origin + its offset`; a stroke
  /// ends after every eos step (and at the end).
  public init(steps: [PenStep], origin: SIMD2<Double> = .zero) {
    var strokes: [[SIMD2<Double>]] = []
    var current: [SIMD2<Double>] = []
    var p = origin
    for step in steps {
      p += SIMD2(Double(step.dx), Double(step.dy))
      current.append(p)
      if step.eos {
        strokes.append(current)
        current = []
      }
    }
    if !current.isEmpty { strokes.append(current) }
    self.strokes = strokes
  }

  /// The last point, where a continuation starts from.
  public var end: SIMD2<Double>? { strokes.last?.last }

  /// (min, max) corners of all points, or nil for no ink.
  public var bounds: (min: SIMD2<Double>, max: SIMD2<Double>)? {
    guard let first = strokes.first(where: { !$0.isEmpty })?.first else { return nil }
    var lo = first
    var hi = first
    for stroke in strokes {
      for p in stroke {
        lo = pointwiseMin(lo, p)
        hi = pointwiseMax(hi, p)
      }
    }
    return (lo, hi)
  }
}
