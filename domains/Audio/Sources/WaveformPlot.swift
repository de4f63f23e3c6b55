import Foundation

/// An SVG picture of generated clips: for each, the waveform (min/max envelope per pixel
/// column) above a spectrogram (log power, dark = loud), with a time axis in seconds, so a
/// user can see at a glance whether a model produced speech-like bursts, noise or silence.
public enum WaveformPlot {
  /// - Parameters:
  ///   - clips: mono samples, one row of the picture per clip.
  ///   - rate: their sample rate.
  ///   - primeSeconds: seconds at the start of each clip that came from the prime (shaded).
  public static func svg(_ clips: [[Float]], rate: Int, title: String, primeSeconds: Double = 0) -> String {
    let width = 900.0
    let left = 50.0
    let waveHeight = 90.0
    let specHeight = 110.0
    let gap = 34.0
    let top = 44.0
    let rowHeight = waveHeight + specHeight + gap
    let height = top + Double(clips.count) * rowHeight + 10
    let longest = Double(clips.map(\.count).max() ?? 0) / Double(rate)
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width + left + 20))" height="\(Int(height))" font-family="sans-serif" font-size="11">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="18" font-size="13">\(escape(title))</text>

      """
    for (n, clip) in clips.enumerated() {
      let y0 = top + Double(n) * rowHeight
      let seconds = Double(clip.count) / Double(rate)
      let w = longest > 0 ? width * seconds / longest : width
      svg += "<g>\n"
      if primeSeconds > 0, seconds > 0 {
        svg +=
          "<rect x=\(q(left)) y=\(q(y0)) width=\(q(w * min(1, primeSeconds / seconds))) height=\(q(waveHeight + specHeight)) fill=\"#fde9c9\"/>\n"
      }
      svg += "<rect x=\(q(left)) y=\(q(y0)) width=\(q(w)) height=\(q(waveHeight)) fill=\"none\" stroke=\"#bbb\"/>\n"
      svg +=
        "<line x1=\(q(left)) y1=\(q(y0 + waveHeight / 2)) x2=\(q(left + w)) y2=\(q(y0 + waveHeight / 2)) stroke=\"#ddd\"/>\n"
      svg += envelope(clip, x: left, y: y0, width: w, height: waveHeight)
      svg += spectrogram(clip, rate: rate, x: left, y: y0 + waveHeight, width: w, height: specHeight)
      svg += "<text x=\"4\" y=\(q(y0 + waveHeight / 2 + 4))>#\(n + 1)</text>\n"
      svg += "<text x=\"4\" y=\(q(y0 + waveHeight + 12))>\(rate / 2) Hz</text>\n"
      svg += "<text x=\"4\" y=\(q(y0 + waveHeight + specHeight))>0 Hz</text>\n"
      let stats = AudioStatistics.summary(clip, rate: rate)
      svg += "<text x=\(q(left + w)) y=\(q(y0 - 3)) text-anchor=\"end\" fill=\"#555\">\(stats)</text>\n"
      // Time axis.
      let step = niceStep(seconds)
      var t = 0.0
      while t <= seconds + 1e-9, step > 0 {
        let x = left + w * t / max(seconds, 1e-9)
        svg +=
          "<line x1=\(q(x)) y1=\(q(y0 + waveHeight + specHeight)) x2=\(q(x)) y2=\(q(y0 + waveHeight + specHeight + 4)) stroke=\"#333\"/>"
        svg +=
          "<text x=\(q(x)) y=\(q(y0 + waveHeight + specHeight + 15)) text-anchor=\"middle\">\(String(format: step < 1 ? "%.1f" : "%.0f", t)) s</text>\n"
        t += step
      }
      svg += "</g>\n"
    }
    return svg + "</svg>\n"
  }

  /// The min/max envelope as one filled polygon.
  static func envelope(_ clip: [Float], x: Double, y: Double, width: Double, height: Double) -> String {
    guard !clip.isEmpty else { return "" }
    let columns = max(1, min(Int(width), clip.count))
    var upper: [String] = []
    var lower: [String] = []
    for c in 0..<columns {
      let a = c * clip.count / columns
      let b = max(a + 1, (c + 1) * clip.count / columns)
      var lo: Float = 1
      var hi: Float = -1
      for s in clip[a..<b] {
        lo = min(lo, max(-1, s))
        hi = max(hi, min(1, s))
      }
      let px = x + width * (Double(c) + 0.5) / Double(columns)
      upper.append(String(format: "%.1f,%.1f", px, y + height / 2 - Double(hi) * height / 2))
      lower.append(String(format: "%.1f,%.1f", px, y + height / 2 - Double(lo) * height / 2))
    }
    return
      "<polygon points=\"\((upper + lower.reversed()).joined(separator: " "))\" fill=\"#1f5fa8\" stroke=\"#1f5fa8\" stroke-width=\"0.6\"/>\n"
  }

  /// Log-power spectrogram as grey cells: 256-sample Hann frames, 48 frequency bands.
  static func spectrogram(_ clip: [Float], rate: Int, x: Double, y: Double, width: Double, height: Double) -> String {
    let window = 256
    let bands = 40
    guard clip.count >= window else { return "" }
    let columns = max(1, min(180, Int(width / 5)))
    let hann = (0..<window).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(window)) }
    var cells: [[Double]] = []
    for c in 0..<columns {
      let start = min(clip.count - window, c * (clip.count - window) / max(columns - 1, 1))
      let power = FFT.powerSpectrum((0..<window).map { Double(clip[start + $0]) * hann[$0] })
      let perBand = (power.count - 1) / bands
      cells.append(
        (0..<bands).map { b in
          10 * log10(power[(1 + b * perBand)...(b * perBand + perBand)].reduce(0, +) / Double(perBand) + 1e-12)
        })
    }
    let loudest = cells.flatMap { $0 }.max() ?? 0
    let cw = width / Double(columns)
    let ch = height / Double(bands)
    var out = "<g shape-rendering=\"crispEdges\">\n"
    for (c, column) in cells.enumerated() {
      for (b, db) in column.enumerated() {
        let v = max(0, min(1, (db - (loudest - 70)) / 70))  // 70 dB of range below the loudest cell
        guard v > 0.02 else { continue }
        let grey = Int(255 * (1 - v))
        out += String(
          format: "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#%02x%02x%02x\"/>",
          x + Double(c) * cw, y + height - Double(b + 1) * ch, cw + 1, ch + 1, grey, grey, grey)
      }
      out += "\n"
    }
    return out
      + "<rect x=\(q(x)) y=\(q(y)) width=\(q(width)) height=\(q(height)) fill=\"none\" stroke=\"#bbb\"/>\n</g>\n"
  }

  static func niceStep(_ seconds: Double) -> Double {
    for s in [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60] where seconds / s <= 10 { return s }
    return 120
  }

  static func q(_ v: Double) -> String { String(format: "\"%.1f\"", v) }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;")
  }
}
