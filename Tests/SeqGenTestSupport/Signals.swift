import Foundation

/// A sine of `frequency` Hz, `seconds` long, at `rate`, amplitude `amplitude`.
public func sine(frequency: Double, seconds: Double, rate: Int, amplitude: Float = 0.5) -> [Float] {
  (0..<Int(seconds * Double(rate))).map { amplitude * Float(sin(2 * .pi * frequency * Double($0) / Double(rate))) }
}
