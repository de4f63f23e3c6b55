import Foundation
import SeqGenEngine
import Testing

@testable import HandwritingDomain

/// The Hershey fonts reader and the synthetic lines drawn with it.
@Suite struct HersheyTests {
  let fontsDir = repositoryRoot.appendingPathComponent("fixtures/handwriting/fonts")

  func font(_ name: String) throws -> HersheyFont {
    try HersheyFont(contentsOf: fontsDir.appendingPathComponent("\(name).jhf"))
  }

  @Test(arguments: HersheyFont.scriptFonts)
  func everyScriptFontHasThePrintableASCIIGlyphs(name: String) throws {
    let f = try font(name)
    #expect(f.glyphs.count == 95 && f.capHeight > 15 && f.capHeight < 40, "\(f.capHeight)")
    #expect(f.glyphs[" "]?.strokes.isEmpty == true && (f.glyphs[" "]?.advance ?? 0) > 0)
    for c in "AKXZaz09&~" { #expect(f.glyphs[c]?.strokes.isEmpty == false, "\(name) lacks \(c)") }
  }

  @Test func badFontLinesAreOneErrorNamingTheLine() throws {
    let good = try Data(contentsOf: fontsDir.appendingPathComponent("cursive.jhf"))
    var lines = good.split(separator: UInt8(ascii: "\n")).map { Data($0) }
    lines[3] = Data("12345 99JZNFNM".utf8)  // more vertices announced than present
    #expect {
      try HersheyFont(name: "bad", text: Data(lines.joined(separator: Data([0x0A]))), path: "bad.jhf")
    } throws: { error in
      "\(error)".contains("bad.jhf: line 4: 99 vertices announced")
    }
    #expect(throws: HandwritingError.self) {
      try HersheyFont(name: "short", text: Data("12345  1JZ\n".utf8), path: "s")
    }
    #expect(throws: HandwritingError.self) { try HersheyFont(name: "junk", text: Data([0xFF, 0xFE, 0x00]), path: "j") }
  }

  /// Joined letters become one stroke; without variation the layout is the font's own.
  @Test func aLineIsLaidOutGlyphByGlyphWithJoinedStrokesMerged() throws {
    let f = try font("cursive")
    var rng = SeededGenerator(seed: 1)
    let plain = HersheyLines.Variation(slant: 0, scale: 1, jitter: 0)
    let ink = HersheyLines.ink("mm", font: f, variation: plain, rng: &rng)
    let one = HersheyLines.ink("m", font: f, variation: plain, rng: &rng)
    #expect(ink.pointCount == 2 * one.pointCount - 1, "the second m starts where the first ends")
    #expect(ink.strokes.count == 2 * one.strokes.count - 1)
    let width = one.strokes.flatMap { $0 }.map(\.x).max()!
    #expect(ink.strokes.flatMap { $0 }.map(\.x).max()! > width + Double(f.glyphs["m"]!.advance) / 2)
    let slanted = HersheyLines.ink("l", font: f, variation: .init(slant: 0.1, scale: 1, jitter: 0), rng: &rng)
    let upright = HersheyLines.ink("l", font: f, variation: plain, rng: &rng)
    let top = upright.strokes.flatMap { $0 }.min { $0.y < $1.y }!
    let topSlanted = slanted.strokes.flatMap { $0 }.min { $0.y < $1.y }!
    #expect(topSlanted.x > top.x, "a positive slant leans the tops right")
  }

  @Test func linesAreSeededAndCoverEveryGlyph() throws {
    let fonts = try HersheyFont.scriptFonts.map(font)
    let candidates = [("the cat sat on the mat", "t:1"), ("and who knew it", "t:2")]
    let a = HersheyLines.lines(count: 5, from: candidates, fonts: fonts, seed: 3)
    let b = HersheyLines.lines(count: 5, from: candidates, fonts: fonts, seed: 3)
    #expect(a.map(\.ink) == b.map(\.ink) && a.map(\.text) == b.map(\.text))
    #expect(a.prefix(5).allSatisfy { $0.source.hasPrefix("t:") })
    let written = Set(a.flatMap { Array($0.text) })
    for scalar in 33...126 { #expect(written.contains(Character(Unicode.Scalar(scalar)!)), "\(scalar)") }
    // Each line reads back through the domain's InkML reader with its strokes.
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file("l.inkml", HersheyLines.inkML(a[0]))
    let read = try InkReader.read(file)
    #expect(read.count == 1 && read[0].ink.pointCount == a[0].ink.pointCount)
    #expect(HersheyLines.inkML(a[0]).contains("<annotation type=\"truth\">\(a[0].text)</annotation>"))
  }
}
