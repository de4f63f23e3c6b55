import Foundation

/// Draws training and validation loss (bits per step) against step as a small SVG.
public enum LossPlot {
  public static func svg(_ records: [MetricsRecord], title: String, unit: String) -> String {
    let width = 640.0
    let height = 360.0
    let left = 60.0
    let right = 20.0
    let top = 40.0
    let bottom = 50.0
    let train = records.filter { $0.trainBits.isFinite }.map { (Double($0.step), $0.trainBits) }
    let val = records.compactMap { r in r.validationBits.flatMap { $0.isFinite ? (Double(r.step), $0) : nil } }
    let all = train + val
    let maxX = max(all.map(\.0).max() ?? 1, 1)
    var minY = all.map(\.1).min() ?? 0
    var maxY = all.map(\.1).max() ?? 1
    if maxY - minY < 1e-9 {
      minY -= 0.5
      maxY += 0.5
    }
    // Densities (handwriting) can have negative log-likelihoods: only floor at 0 when nothing is below it.
    minY = minY >= 0 ? max(0, minY - 0.05 * (maxY - minY)) : minY - 0.05 * (maxY - minY)
    func x(_ v: Double) -> Double { left + v / maxX * (width - left - right) }
    func y(_ v: Double) -> Double { top + (1 - (v - minY) / (maxY - minY)) * (height - top - bottom) }
    func line(_ pts: [(Double, Double)], _ color: String) -> String {
      guard !pts.isEmpty else { return "" }
      let p = pts.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
      return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(p)\"/>\n"
    }
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="20" font-size="14">\(escape(title))</text>

      """
    for k in 0...4 {
      let v = minY + Double(k) / 4 * (maxY - minY)
      s += String(
        format: "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, width - right, y(v),
        y(v))
      s += String(format: "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", left - 6, y(v) + 4, v)
    }
    s += "<text x=\"\(left)\" y=\"\(height - 12)\">step (0 … \(Int(maxX)))</text>\n"
    s += "<text x=\"14\" y=\"\(top - 8)\">bits/\(escape(unit))</text>\n"
    s += line(train, "#1f77b4") + line(val, "#d62728")
    s += "<text x=\"\(width - 200)\" y=\"\(top - 8)\" fill=\"#1f77b4\">train</text>"
    s += "<text x=\"\(width - 140)\" y=\"\(top - 8)\" fill=\"#d62728\">validation</text>\n</svg>\n"
    return s
  }

  private static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;")
  }
}
