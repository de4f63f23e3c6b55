import Foundation
import SeqGenEngine

/// Synthetic handwriting: lines of text written with the Hershey script fonts, each with its own
/// slant, scale and point jitter, as InkML files with their transcription, so a corpus of any
/// size (and every printable ASCII character) can be drawn from a text file.
///
/// A line is laid out glyph by glyph at each glyph's advance; strokes that meet end to start are
/// merged into one (the script fonts join their letters); then the line is sheared by its slant
/// (x − slant·y), scaled, and every point moved by Gaussian jitter with σ = 1% of the font's
/// capital height (scaled).
public enum HersheyLines {
  public struct Variation: Sendable, Equatable {
    public var slant: Double
    public var scale: Double
    public var jitter: Double

    /// Slant in ±0.15, scale in 0.92–1.08, jitter 1% of the (scaled) capital height.
    public static func random(for font: HersheyFont, rng: inout SeededGenerator) -> Variation {
      let scale = 0.92 + 0.16 * rng.nextDouble()
      return Variation(slant: -0.15 + 0.3 * rng.nextDouble(), scale: scale, jitter: 0.01 * font.capHeight * scale)
    }
  }

  /// `text` in `font` (characters the font lacks are skipped), varied.
  public static func ink(_ text: String, font: HersheyFont, variation v: Variation, rng: inout SeededGenerator) -> Ink {
    var strokes: [[SIMD2<Double>]] = []
    var cursor = 0.0
    for c in text {
      guard let glyph = font.glyphs[c] else { continue }
      for stroke in glyph.strokes {
        let placed = stroke.map { SIMD2($0.x - Double(glyph.left) + cursor, $0.y) }
        if let last = strokes.last?.last, last == placed[0] {
          strokes[strokes.count - 1] += placed.dropFirst()
        } else {
          strokes.append(placed)
        }
      }
      cursor += Double(glyph.advance)
    }
    func round(_ x: Double) -> Double { (x * 100).rounded() / 100 }
    return Ink(
      strokes: strokes.map { stroke in
        stroke.map { p in
          SIMD2(
            round((p.x - v.slant * p.y) * v.scale + v.jitter * rng.nextGaussian()),
            round(p.y * v.scale + v.jitter * rng.nextGaussian()))
        }
      })
  }

  /// One line written: its file, text, where the text came from, font and variation.
  public struct Line: Sendable {
    public var file: String
    public var text: String
    public var source: String
    public var font: String
    public var variation: Variation
    public var ink: Ink
  }

  /// Lines of `textFile` that make a line of handwriting: 8 to 60 printable ASCII characters
  /// once trimmed, with where each came from ("file:line").
  public static func candidates(in textFile: URL) throws(HandwritingError) -> [(text: String, source: String)] {
    let data: Data
    do { data = try Data(contentsOf: textFile) } catch {
      throw .unreadable(path: textFile.path, reason: error.localizedDescription)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .malformed(path: textFile.path, location: nil, reason: "not UTF-8 text")
    }
    let name = textFile.lastPathComponent
    return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, raw in
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      guard (8...60).contains(line.count), line.unicodeScalars.allSatisfy({ (32...126).contains($0.value) }) else {
        return nil
      }
      return (line, "\(name):\(i + 1)")
    }
  }

  /// `count` lines drawn from `candidates` (in a seeded order; repeated, each time varied
  /// afresh, when there are fewer), then lines of the characters none of them used, so every
  /// glyph the fonts draw is written at least once.
  public static func lines(
    count: Int, from candidates: [(text: String, source: String)], fonts: [HersheyFont], seed: UInt64
  ) -> [Line] {
    var rng = SeededGenerator(seed: seed ^ 0x4E25_4E59_0000_0017)
    var order = Array(candidates.indices)
    var texts: [(text: String, source: String)] = []
    while texts.count < count && !order.isEmpty {
      order.shuffle(using: &rng)
      texts += order.prefix(count - texts.count).map { candidates[$0] }
    }
    let drawn = fonts.map(\.characters).reduce(Set<Character>()) { $0.union($1) }.subtracting([" "])
    let missing = drawn.subtracting(texts.flatMap { Array($0.text) }).sorted()
    for start in stride(from: 0, to: missing.count, by: 16) {
      let group = missing[start..<min(start + 16, missing.count)]
      texts.append(
        (
          stride(from: 0, to: group.count, by: 4).map { String(group.dropFirst($0).prefix(4)) }.joined(separator: " "),
          "coverage"
        ))
    }
    return texts.enumerated().map { i, line in
      let font = fonts[Int(rng.next() % UInt64(fonts.count))]
      let variation = Variation.random(for: font, rng: &rng)
      return Line(
        file: String(format: "line-%05d.inkml", i + 1), text: line.text, source: line.source, font: font.name,
        variation: variation, ink: ink(line.text, font: font, variation: variation, rng: &rng))
    }
  }

  /// The InkML of one line: its strokes, with the transcription (`truth`), font, source and
  /// variation as annotations.
  public static func inkML(_ line: Line) -> String {
    let v = line.variation
    return InkMLWriter.inkML(
      [line.ink],
      metadata: [
        ("truth", line.text), ("font", "Hershey \(line.font)"), ("source", line.source),
        ("variation", String(format: "slant=%.4f scale=%.4f jitterSigma=%.4f", v.slant, v.scale, v.jitter)),
        ("licence", "Hershey font data; see HERSHEY-ACKNOWLEDGEMENT.txt"),
      ])
  }

  /// The acknowledgements the Hershey font licence requires to travel with the font data, and
  /// so with strokes drawn from it: `fixtures/handwriting/HERSHEY-ACKNOWLEDGEMENT.txt`, verbatim
  /// (from Debian's hershey-fonts-data copyright file).
  public static let acknowledgement = """
    From the copyright file of the Debian package hershey-fonts-data 0.1-1.1:

    Files: hershey-fonts/*.jhf
    Copyright: 1967 Dr. A. V. Hershey, James Hurt
    Comment: downloaded from http://emergent.unpythonic.net/software/hershey
    License: hershey-license
     This distribution of the Hershey Fonts may be used by anyone for
     any purpose, commercial or otherwise, providing that:
     	1. The following acknowledgements must be distributed with
     		the font data:
     		- The Hershey Fonts were originally created by Dr.
     			A. V. Hershey while working at the U. S.
     			National Bureau of Standards.
     		- The format of the Font data in this distribution
     			was originally created by
     				James Hurt
     				Cognition, Inc.
     				900 Technology Park Drive
     				Billerica, MA 01821
     				(mit-eddie!ci-dandelion!hurt)
     	2. The font data in this distribution may be converted into
     		any other format *EXCEPT* the format distributed by
     		the U.S. NTIS (which organization holds the rights
     		to the distribution and use of the font data in that
     		particular format). Not that anybody would really
     		*want* to use their format... each point is described
     		in eight bytes as "xxx yyy:", where xxx and yyy are
     		the coordinate values as ASCII numbers.

    """
}
