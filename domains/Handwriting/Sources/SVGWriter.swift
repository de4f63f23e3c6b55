import Foundation

/// Draws ink as SVG: each stroke one `<path>` ("M x y L x y …") with round caps and joins, one
/// row per sample, the viewBox fitted to the ink with a margin, and the generation settings in
/// `<metadata>`. In single-line mode (for pen plotters) paths carry only `fill="none"` and a
/// stroke colour: no widths, caps, opacity or CSS that plotter software ignores anyway.
public struct SVGWriter: Sendable {
  /// How the SVG is drawn.
  public struct Options: Sendable, Equatable {
    /// Line width in data units; nil picks 1/40 of the tallest row.
    public var strokeWidth: Double?
    /// Plotter output: bare paths, no styling.
    public var singleLine = false
    /// Draw the prime's strokes (in a lighter colour) before each sample.
    public var showPrime = false
    /// Key–value pairs written as attributes of `<seqgen:generation>` in `<metadata>`.
    public var metadata: [(key: String, value: String)] = []

    public init(
      strokeWidth: Double? = nil, singleLine: Bool = false, showPrime: Bool = false,
      metadata: [(key: String, value: String)] = []
    ) {
      self.strokeWidth = strokeWidth
      self.singleLine = singleLine
      self.showPrime = showPrime
      self.metadata = metadata
    }

    public static func == (a: Options, b: Options) -> Bool {
      a.strokeWidth == b.strokeWidth && a.singleLine == b.singleLine && a.showPrime == b.showPrime
        && a.metadata.map(\.key) == b.metadata.map(\.key) && a.metadata.map(\.value) == b.metadata.map(\.value)
    }
  }

  public var options: Options

  public init(options: Options = Options()) { self.options = options }

  /// One row of the drawing: the prime's ink (drawn only with `showPrime`) and the sample's.
  public struct Row: Sendable {
    public var prime: Ink
    public var sample: Ink

    public init(prime: Ink, sample: Ink) {
      self.prime = prime
      self.sample = sample
    }
  }

  /// The SVG document for the rows, top to bottom.
  public func svg(_ rows: [Row]) -> String {
    let drawn = rows.map { row in (prime: options.showPrime ? row.prime : Ink(strokes: []), sample: row.sample) }
    let boxes = drawn.map { row -> (min: SIMD2<Double>, max: SIMD2<Double>) in
      let all = Ink(strokes: row.prime.strokes + row.sample.strokes)
      return all.bounds ?? (.zero, .zero)
    }
    let tallest = max(
      boxes.map { $0.max.y - $0.min.y }.max() ?? 0, boxes.map { $0.max.x - $0.min.x }.max().map { $0 / 20 } ?? 0, 1e-9)
    let width = options.strokeWidth ?? tallest / 40
    let margin = tallest * 0.15 + width
    let gap = tallest * 0.3
    let widest = boxes.map { $0.max.x - $0.min.x }.max() ?? 0
    // Enough decimals for about five significant digits of the drawing's size.
    let decimals = max(0, min(8, 5 - Int(log10(max(widest, tallest)).rounded(.up))))
    func n(_ v: Double) -> String {
      var s = String(format: "%.\(decimals)f", v)
      if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
      }
      return s == "-0" ? "0" : s
    }
    var body = ""
    var top = margin
    for (row, box) in zip(drawn, boxes) {
      let shift = SIMD2(margin - box.min.x, top - box.min.y)
      func paths(_ ink: Ink, colour: String) {
        guard !ink.strokes.isEmpty else { return }
        body += "  <g>\n"
        for stroke in ink.strokes where !stroke.isEmpty {
          // A lone point becomes a zero-length segment: a dot with round caps.
          let points = stroke.count == 1 ? [stroke[0], stroke[0]] : stroke
          let d = points.enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(n(p.x + shift.x)) \(n(p.y + shift.y))" }
            .joined(separator: " ")
          body +=
            options.singleLine
            ? "    <path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\"/>\n"
            : "    <path d=\"\(d)\"\(colour == "black" ? "" : " stroke=\"\(colour)\"")/>\n"
        }
        body += "  </g>\n"
      }
      paths(row.prime, colour: "#9a9a9a")
      paths(row.sample, colour: "black")
      top += box.max.y - box.min.y + gap
    }
    let totalWidth = widest + 2 * margin
    let totalHeight = top - gap + margin
    var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    svg +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 \(n(totalWidth)) \(n(totalHeight))\" width=\"\(n(totalWidth))\" height=\"\(n(totalHeight))\">\n"
    if !options.metadata.isEmpty {
      let attributes = options.metadata.map { " \($0.key)=\"\(Self.escape($0.value))\"" }.joined()
      svg +=
        "  <metadata>\n    <seqgen:generation xmlns:seqgen=\"urn:seqgen:generation\"\(attributes)/>\n  </metadata>\n"
    }
    if options.singleLine {
      svg += body
    } else {
      svg +=
        "  <g fill=\"none\" stroke=\"black\" stroke-width=\"\(n(width))\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n"
      svg += body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(
        separator: "\n")
      svg += "  </g>\n"
    }
    svg += "</svg>\n"
    return svg
  }

  /// Text safe inside a double-quoted XML attribute.
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "\n", "\r", "\t": out += " "
      default: out.unicodeScalars.append(c.value < 0x20 ? " " : c)
      }
    }
    return out
  }
}
