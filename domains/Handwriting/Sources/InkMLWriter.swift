import Foundation

/// Writes ink as W3C InkML that the domain's reader reads back: one `<traceGroup>` per sample,
/// one `<trace>` "x y, x y, …" per stroke (a lone point is written twice, since a stroke needs
/// two points).
public enum InkMLWriter {
  public static func inkML(_ samples: [Ink], metadata: [(key: String, value: String)] = []) -> String {
    var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ink xmlns=\"http://www.w3.org/2003/InkML\">\n"
    for (key, value) in metadata {
      s += "  <annotation type=\"\(SVGWriter.escape(key))\">\(SVGWriter.escape(value))</annotation>\n"
    }
    s +=
      "  <traceFormat>\n    <channel name=\"X\" type=\"decimal\"/>\n    <channel name=\"Y\" type=\"decimal\"/>\n  </traceFormat>\n"
    for sample in samples {
      s += "  <traceGroup>\n"
      for stroke in sample.strokes where !stroke.isEmpty {
        let points = stroke.count == 1 ? [stroke[0], stroke[0]] : stroke
        s += "    <trace>" + points.map { "\(number($0.x)) \(number($0.y))" }.joined(separator: ", ") + "</trace>\n"
      }
      s += "  </traceGroup>\n"
    }
    return s + "</ink>\n"
  }

  /// Shortest text that reads back as the same Double.
  static func number(_ v: Double) -> String {
    let s = "\(v)"
    return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
  }
}
