import Foundation
import SeqGenEngine
import Testing

@testable import HandwritingDomain

@Suite struct HandwritingWriterTests {
  let codec = HandwritingCodec(scaleX: 1, scaleY: 1, maxOffset: nil, components: 2)
  let sample = Ink(strokes: [
    [SIMD2(0, 0), SIMD2(10, 5), SIMD2(20, 0)], [SIMD2(30, -10)], [SIMD2(40, 0), SIMD2(45, 20)],
  ])

  @Test func svgHasOnePathPerStrokeWithRoundCapsAndFittedViewBox() throws {
    let options = SVGWriter.Options(metadata: [("model", "runs/a \"b\" & <c>"), ("seed", "7")])
    let svg = SVGWriter(options: options).svg([SVGWriter.Row(prime: Ink(strokes: []), sample: sample)])
    #expect(svg.components(separatedBy: "<path ").count - 1 == 3)
    #expect(svg.contains("stroke-linecap=\"round\" stroke-linejoin=\"round\""))
    #expect(svg.contains("fill=\"none\""))
    // Height 30 (y −10…20): width 30/40 = 0.75, margin 0.15·30 + 0.75 = 5.25 on each side.
    #expect(svg.contains("viewBox=\"0 0 55.5 40.5\""))
    #expect(svg.contains("<path d=\"M5.25 15.25 L15.25 20.25 L25.25 15.25\"/>"))
    // The lone point is a zero-length segment, drawn as a dot by the round cap.
    #expect(svg.contains("<path d=\"M35.25 5.25 L35.25 5.25\"/>"))
    #expect(svg.contains("<metadata>"))
    #expect(svg.contains("model=\"runs/a &quot;b&quot; &amp; &lt;c&gt;\" seed=\"7\""))
  }

  @Test func singleLineSVGIsBarePathsForPlotters() {
    let svg = SVGWriter(options: SVGWriter.Options(singleLine: true)).svg([
      SVGWriter.Row(prime: Ink(strokes: []), sample: sample)
    ])
    #expect(svg.components(separatedBy: "<path ").count - 1 == 3)
    for line in svg.split(separator: "\n") where line.contains("<path") {
      #expect(line.hasSuffix("fill=\"none\" stroke=\"black\"/>"), "\(line)")
    }
    #expect(!svg.contains("stroke-width") && !svg.contains("linecap") && !svg.contains("<style"))
  }

  @Test func rowsAreStackedAndThePrimeIsLighter() {
    let prime = Ink(strokes: [[SIMD2(-20, 0), SIMD2(-10, 0)]])
    let rows = [SVGWriter.Row(prime: prime, sample: sample), SVGWriter.Row(prime: prime, sample: sample)]
    let shown = SVGWriter(options: SVGWriter.Options(showPrime: true)).svg(rows)
    #expect(shown.components(separatedBy: "stroke=\"#9a9a9a\"").count - 1 == 2)
    #expect(shown.components(separatedBy: "<path ").count - 1 == 8)
    let hidden = SVGWriter().svg(rows)
    #expect(!hidden.contains("#9a9a9a"))
    #expect(hidden.components(separatedBy: "<path ").count - 1 == 6)
  }

  /// A real SVG renderer (librsvg's rsvg-convert, which `scripts/install-deps.sh` installs) draws
  /// ink where the strokes are; fails without it.
  @Test func rendersWithRsvgConvert() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert"),
      "install librsvg2-bin (scripts/install-deps.sh)")
    let dir = try TempDir()
    defer { dir.remove() }
    let svg = dir.url.appendingPathComponent("s.svg")
    let png = dir.url.appendingPathComponent("s.png")
    try HandwritingDomain().write(
      [sample.steps, sample.steps], prime: [], codec: codec, to: svg,
      options: SVGWriter.Options(metadata: [("seed", "1")]))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
    process.arguments = ["-w", "200", "-b", "white", "-o", png.path, svg.path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let bytes = try Data(contentsOf: png)
    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    #expect(bytes.count > 300)
  }

  @Test func inkMLOutputReadsBack() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = dir.url.appendingPathComponent("out.inkml")
    let steps = Ink(strokes: [[SIMD2(0, 0), SIMD2(1.5, -2.25)], [SIMD2(3, 3)], [SIMD2(4, 4), SIMD2(5, 1e-5)]]).steps
    try HandwritingDomain().write(
      [steps, steps], prime: [], codec: codec, to: url, options: SVGWriter.Options(metadata: [("seed", "3")]))
    let back = try HandwritingDomain().read([url])
    #expect(back.count == 2)
    let expected = Ink(strokes: [
      [SIMD2(0, 0), SIMD2(1.5, -2.25)], [SIMD2(3, 3), SIMD2(3, 3)], [SIMD2(4, 4), SIMD2(5, 1e-5)],
    ])
    #expect(back[0].steps == expected.steps)
    #expect(back[0].source.hasSuffix("#traceGroup1"))
  }

  @Test func continuationsStartWhereThePrimeEnds() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = dir.url.appendingPathComponent("c.inkml")
    let prime = Ink(strokes: [[SIMD2(100, 100), SIMD2(110, 100)]]).steps
    try HandwritingDomain().write(
      [[PenStep(dx: 5, dy: 0, eos: false), PenStep(dx: 1, dy: 1, eos: true)]], prime: prime, codec: codec, to: url,
      options: SVGWriter.Options())
    // Steps carry no absolute position: the prime is drawn from the origin, its end at (10, 0).
    #expect(try InkReader.read(url)[0].ink.strokes == [[SIMD2(15, 0), SIMD2(16, 1)]])
  }

  @Test func theGenericWriteIsSVGUnlessInkML() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let url = dir.url.appendingPathComponent("samples.out")
    try HandwritingDomain().write([sample.steps], codec: codec, to: url)
    #expect(try String(contentsOf: url, encoding: .utf8).contains("<svg "))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["samples.out"])
  }
}
