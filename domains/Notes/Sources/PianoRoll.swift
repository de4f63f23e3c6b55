import Foundation
import SeqGenEngine

/// Draws notes as a piano roll in SVG: time to the right, pitch upwards, one bar per note,
/// its opacity the velocity. Several samples are stacked as panels sharing one time scale.
///
/// The point is to judge a model at a glance: chords stack vertically, melodies step, stuck
/// notes show as long bars and silence as empty space.
public enum PianoRoll {
  static let rowHeight = 5.0
  static let left = 44.0
  static let panelGap = 28.0

  /// The SVG document; `title` is drawn at the top (escaped). `primeEnd`, if given, draws a
  /// dashed line where the prime ends and generation begins; each of `marks` (the requested
  /// chords) is written above every panel at its time, with a faint line down the panel.
  public static func svg(
    _ samples: [[Note]], title: String, primeEnd: Double? = nil, marks: [(seconds: Double, text: String)] = []
  ) -> String {
    let all = samples.flatMap { $0 }
    let duration = max(1, all.map(\.end).max() ?? 1)
    // About 40 px per second, but a long piece still fits in 4000 px.
    let pxPerSecond = min(40, 4000 / duration)
    let width = left + duration * pxPerSecond + 16
    var panels: [(low: Int, high: Int, top: Double)] = []
    var y = 34.0
    for sample in samples {
      var low = max(0, (sample.map(\.pitch).min() ?? 60) - 2)
      var high = min(127, (sample.map(\.pitch).max() ?? 60) + 2)
      while high - low < 24 {
        if low > 0 { low -= 1 }
        if high < 127 { high += 1 }
      }
      panels.append((low, high, y))
      y += Double(high - low + 1) * rowHeight + panelGap
    }
    let height = y + 4
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="10">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(f(left))" y="16" font-size="12">\(escape(title))</text>

      """
    for (sample, panel) in zip(samples, panels) {
      let rows = panel.high - panel.low + 1
      let bottom = panel.top + Double(rows) * rowHeight
      func rowY(_ pitch: Int) -> Double { panel.top + Double(panel.high - pitch) * rowHeight }
      // Black keys shaded, C rows labelled.
      for pitch in panel.low...panel.high {
        if [1, 3, 6, 8, 10].contains(pitch % 12) {
          s +=
            "<rect x=\"\(f(left))\" y=\"\(f(rowY(pitch)))\" width=\"\(f(width - left - 16))\" height=\"\(f(rowHeight))\" fill=\"#f0f0f0\"/>\n"
        }
        if pitch % 12 == 0 {
          s +=
            "<line x1=\"\(f(left))\" x2=\"\(f(width - 16))\" y1=\"\(f(rowY(pitch) + rowHeight))\" y2=\"\(f(rowY(pitch) + rowHeight))\" stroke=\"#bbb\" stroke-width=\"0.5\"/>\n"
          s +=
            "<text x=\"\(f(left - 4))\" y=\"\(f(rowY(pitch) + rowHeight))\" text-anchor=\"end\">C\(pitch / 12 - 1)</text>\n"
        }
      }
      // Seconds: a faint line each second, labelled every 5 (or 30 for long pieces).
      let labelEvery = duration > 240 ? 30 : duration > 60 ? 10 : 5
      for second in 0...Int(duration) {
        let x = left + Double(second) * pxPerSecond
        let labelled = second % labelEvery == 0
        if labelled || pxPerSecond >= 8 {
          s +=
            "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(panel.top))\" y2=\"\(f(bottom))\" stroke=\"\(labelled ? "#bbb" : "#e4e4e4")\" stroke-width=\"0.5\"/>\n"
        }
        if labelled { s += "<text x=\"\(f(x))\" y=\"\(f(bottom + 11))\" text-anchor=\"middle\">\(second) s</text>\n" }
      }
      for mark in marks where mark.seconds <= duration {
        let x = left + mark.seconds * pxPerSecond
        s +=
          "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(panel.top))\" y2=\"\(f(bottom))\" stroke=\"#7d3c98\" stroke-width=\"0.5\" stroke-opacity=\"0.5\"/>\n"
        s += "<text x=\"\(f(x + 2))\" y=\"\(f(panel.top - 3))\" fill=\"#7d3c98\">\(escape(mark.text))</text>\n"
      }
      if let primeEnd {
        let x = left + primeEnd * pxPerSecond
        s +=
          "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(panel.top - 4))\" y2=\"\(f(bottom))\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n"
        s += "<text x=\"\(f(x + 3))\" y=\"\(f(panel.top - 6))\" fill=\"#c0392b\">generated →</text>\n"
      }
      s +=
        "<rect x=\"\(f(left))\" y=\"\(f(panel.top))\" width=\"\(f(width - left - 16))\" height=\"\(f(bottom - panel.top))\" fill=\"none\" stroke=\"#888\"/>\n"
      for n in sample {
        let opacity = 0.25 + 0.75 * Double(min(max(n.velocity, 1), 127)) / 127
        s +=
          "<rect x=\"\(f(left + n.start * pxPerSecond))\" y=\"\(f(rowY(n.pitch) + 0.5))\" width=\"\(f(max(1, n.duration * pxPerSecond)))\" height=\"\(f(rowHeight - 1))\" fill=\"#1c4fa0\" fill-opacity=\"\(f(opacity))\"/>\n"
      }
    }
    return s + "</svg>\n"
  }

  /// Writes the SVG atomically.
  public static func write(
    _ samples: [[Note]], title: String, primeEnd: Double? = nil, marks: [(seconds: Double, text: String)] = [],
    to url: URL
  ) throws {
    try AtomicFile.write(Data(svg(samples, title: title, primeEnd: primeEnd, marks: marks).utf8), to: url)
  }

  private static func f(_ v: Double) -> String { String(format: "%.2f", v) }

  private static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;")
  }
}
