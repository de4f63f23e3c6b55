import Foundation
import SeqGenEngine
import Testing

@testable import HandwritingDomain

@Suite struct HandwritingReaderTests {
  @Test func inkMLTracesBecomeStrokes() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file("a.inkml", inkML(["10 20, 11 22, 13.5 25", "\n  30 20,31 19\n"]))
    let pieces = try InkReader.read(file)
    #expect(pieces.count == 1)
    #expect(pieces[0].source == file.path)
    #expect(
      pieces[0].ink.strokes == [[SIMD2(10, 20), SIMD2(11, 22), SIMD2(13.5, 25)], [SIMD2(30, 20), SIMD2(31, 19)]])
  }

  /// Transcriptions come with the strokes: InkML `truth` annotations of the file and of each
  /// top-level group, the JSON object form, and none for a bare stroke list.
  @Test func transcriptionsAreReadWithTheStrokes() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file(
      "t.inkml",
      inkML(
        ["1 2, 3 4"],
        head: "<annotation type=\"truth\"> To be, or not </annotation><annotation type=\"font\">x</annotation>"))
    #expect(try InkReader.read(file).map(\.text) == ["To be, or not"])
    let groups = try dir.file(
      "g.inkml",
      """
      <ink xmlns="http://www.w3.org/2003/InkML"><annotation type="truth">page</annotation>
      <traceGroup><annotation type="truth">first line</annotation><trace>0 0, 1 1</trace>
      <traceGroup><annotation type="truth">word</annotation><trace>2 2, 3 3</trace></traceGroup></traceGroup>
      <traceGroup><trace>4 4, 5 5</trace></traceGroup></ink>
      """)
    #expect(try InkReader.read(groups).map(\.text) == ["first line", nil])
    let json = try dir.file("j.json", #"{"text": "Hark!", "strokes": [[[0, 0], [1, 2]]]}"#)
    let piece = try InkReader.read(json)
    #expect(piece.map(\.text) == ["Hark!"] && piece[0].ink.strokes == [[SIMD2(0, 0), SIMD2(1, 2)]])
    #expect(try InkReader.read(try dir.file("bare.json", "[[[0, 0], [1, 2]]]")).map(\.text) == [nil])
    let sequences = try HandwritingDomain().read([file])
    #expect(sequences.map(\.annotation) == ["To be, or not"])
  }

  /// The bundled fixture has a transcription on every line.
  @Test func everyFixtureLineIsTranscribed() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let sequences = try HandwritingDomain().read([root.appendingPathComponent("fixtures/handwriting/hershey-lines")])
    #expect(sequences.count >= 300)
    #expect(sequences.allSatisfy { !($0.annotation ?? "").isEmpty })
  }

  @Test func traceFormatChoosesTheXAndYChannels() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let head = """
      <definitions><context xml:id="c"><traceFormat>
        <channel name="T" type="integer"/><channel name="Y" type="decimal"/><channel name="X" type="decimal"/>
        <intermittentChannels><channel name="F"/></intermittentChannels>
      </traceFormat></context></definitions>
      """
    let file = try dir.file("t.inkml", inkML(["0 5 1, 10 6 2 0.5, 20 7 3"], head: head))
    #expect(try InkReader.read(file)[0].ink.strokes == [[SIMD2(1, 5), SIMD2(2, 6), SIMD2(3, 7)]])
  }

  /// InkML's ' (first difference) and " (second difference) prefixes, which persist per channel.
  @Test func differenceEncodedValuesAreIntegrated() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    // Explicit 10 0, then first differences +2 +1 twice, then second differences +1 0: velocity 3 1.
    let file = try dir.file("d.inkml", inkML(["10 0, '2 '1, 2 1, \"1 \"0, !0 !0"]))
    let got = try InkReader.read(file)[0].ink.strokes
    #expect(got == [[SIMD2(10, 0), SIMD2(12, 1), SIMD2(14, 2), SIMD2(17, 3), SIMD2(0, 0)]], "\(got)")
  }

  @Test func penUpTracesAreSkippedAndTraceGroupsAreSequences() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let text = """
      <ink xmlns="http://www.w3.org/2003/InkML">
        <traceGroup><trace>0 0, 1 1</trace><trace type="penUp">1 1, 5 5</trace><trace>5 5, 6 6</trace></traceGroup>
        <traceGroup><traceGroup><trace>0 0, 2 2</trace></traceGroup></traceGroup>
        <traceGroup><annotation>only a label</annotation></traceGroup>
      </ink>
      """
    let file = try dir.file("g.inkml", text)
    let pieces = try InkReader.read(file)
    #expect(pieces.map(\.source) == ["\(file.path)#traceGroup1", "\(file.path)#traceGroup2"])
    #expect(pieces[0].ink.strokes.count == 2)
    #expect(pieces[1].ink.strokes == [[SIMD2(0, 0), SIMD2(2, 2)]])
    #expect(try HandwritingDomain().read([file]).count == 2)
  }

  @Test func iamStrokeXMLIsRead() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let text = """
      <?xml version="1.0" encoding="ISO-8859-1"?>
      <WhiteboardCaptureSession>
        <WhiteboardDescription><SensorLocation corner="top_left"/></WhiteboardDescription>
        <StrokeSet>
          <Stroke colour="black" start_time="1.0" end_time="1.1">
            <Point x="1073" y="1058" time="1.00"/><Point x="1072" y="1060" time="1.01"/><Point x="1070" y="1066" time="1.02"/>
          </Stroke>
          <Stroke colour="black" start_time="1.2" end_time="1.3"><Point x="1100" y="1000" time="1.2"/><Point x="1101" y="1003" time="1.3"/></Stroke>
        </StrokeSet>
      </WhiteboardCaptureSession>
      """
    let file = try dir.file("a01-000u-01.xml", text)
    let pieces = try InkReader.read(file)
    #expect(
      pieces[0].ink.strokes == [
        [SIMD2(1073, 1058), SIMD2(1072, 1060), SIMD2(1070, 1066)], [SIMD2(1100, 1000), SIMD2(1101, 1003)],
      ])
  }

  /// IAM On-Line's layout: `lineStrokes/a01/a01-000/a01-000u-NN.xml` is line NN of the `CSR:`
  /// section of `ascii/a01/a01-000/a01-000u.txt` (not of its OCR section); a line the file does
  /// not have, or a missing file, is an error under conditioning that says which, and no text
  /// without it.
  @Test func iamStrokeLinesArePairedWithTheirAsciiTranscription() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    func strokes(_ x: Int) -> String {
      """
      <WhiteboardCaptureSession><StrokeSet><Stroke><Point x="\(x)" y="10"/><Point x="\(x + 3)" y="12"/></Stroke>
      </StrokeSet></WhiteboardCaptureSession>
      """
    }
    let form = "lineStrokes/a01/a01-000/a01-000u"
    for n in 1...2 { try dir.file("\(form)-0\(n).xml", strokes(n)) }
    try dir.file(
      "ascii/a01/a01-000/a01-000u.txt",
      """
      Data Set Name: a01-000u

      OCR:

      A MOVE to stop Mr. Gaitskell from nominating

      CSR:

      A MOVE to stop Mr. Gaitskell
        from nominating any more Labour \r

      """)
    let conditioned = HandwritingDomain(conditionOnText: true)
    let read = try conditioned.read([dir.at("lineStrokes")])
    #expect(read.map(\.annotation) == ["A MOVE to stop Mr. Gaitskell", "from nominating any more Labour"])
    #expect(read[1].source.hasSuffix("a01-000u-02.xml"))

    try dir.file("\(form)-03.xml", strokes(3))
    #expect(try HandwritingDomain().read([dir.at("lineStrokes")]).map(\.annotation).last == .some(nil))
    #expect(
      throws: HandwritingError.noTranscription(
        path: dir.path("\(form)-03.xml"),
        reason: "\(dir.path("ascii/a01/a01-000/a01-000u.txt")) has 2 CSR lines, not a line 3")
    ) { try conditioned.read([dir.at("lineStrokes")]) }

    let other = "lineStrokes/b02/b02-001/b02-001x-01.xml"
    try dir.file(other, strokes(4))
    let message = try #require(throws: HandwritingError.self) { try conditioned.read([dir.at(other)]) }.description
    #expect(message.hasPrefix("\(dir.path(other)): no transcription"))
    #expect(
      message.hasSuffix("; no IAM transcription \(dir.path("ascii/b02/b02-001/b02-001x.txt")) beside lineStrokes/"))
    try dir.file("ascii/b02/b02-001/b02-001x.txt", "Data Set Name: b02-001x\nOCR:\n\nnot corrected\n")
    #expect(
      try #require(throws: HandwritingError.self) { try conditioned.read([dir.at(other)]) }.description.hasSuffix(
        "no \"CSR:\" section (not an IAM On-Line transcription)"))
    let huge = "lineStrokes/c03/c03-000/c03-000a-01.xml"
    try dir.file(huge, strokes(6))
    try dir.file(
      "ascii/c03/c03-000/c03-000a.txt", "CSR:\n" + String(repeating: "x", count: IAMTranscripts.maxFileBytes))
    #expect(
      try #require(throws: HandwritingError.self) { try conditioned.read([dir.at(huge)]) }.description.hasSuffix(
        "c03-000a.txt: larger than the 1 MiB limit for a transcription"))
    // Not in a lineStrokes folder: no pairing is tried.
    try dir.file("loose/a01-000u-01.xml", strokes(5))
    #expect(try HandwritingDomain().read([dir.at("loose")]).map(\.annotation) == [nil])
  }

  @Test func jsonStrokeListsAreRead() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file("s.json", "[[[0, 0], [1, 2.5], [3, 4, 17]], [[10, -1], [11, -2]]]")
    #expect(
      try InkReader.read(file)[0].ink.strokes == [
        [SIMD2(0, 0), SIMD2(1, 2.5), SIMD2(3, 4)], [SIMD2(10, -1), SIMD2(11, -2)],
      ])
  }

  @Test func formatIsChosenByContentNotExtension() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let json = try dir.file("strokes.inkml", "\u{FEFF}  [[[0, 0], [1, 1]]]")
    let ink = try dir.file("ink.json", inkML(["0 0, 1 1"]))
    #expect(try InkReader.read(json)[0].ink.strokes == [[SIMD2(0, 0), SIMD2(1, 1)]])
    #expect(try InkReader.read(ink)[0].ink.strokes == [[SIMD2(0, 0), SIMD2(1, 1)]])
  }

  @Test func directoriesAreSearchedForInkFilesOnlySorted() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file(
      "b/two.xml", "<StrokeSet><Stroke><Point x=\"0\" y=\"0\"/><Point x=\"1\" y=\"0\"/></Stroke></StrokeSet>")
    try dir.file("a.inkml", inkML(["0 0, 1 1"]))
    try dir.file("c.json", "[[[0, 0], [2, 2]]]")
    try dir.file("index.tsv", "not ink")
    try dir.file(".hidden.inkml", "not read")
    let files = try InkReader.files(at: dir.url)
    #expect(files.map(\.lastPathComponent) == ["a.inkml", "two.xml", "c.json"])
    #expect(try HandwritingDomain().read([dir.url]).count == 3)
  }

  @Test func theFixtureIsReadWhole() throws {
    let sequences = try HandwritingDomain().read([fixtureLines])
    #expect(sequences.count == 300)
    // index.tsv lists the strokes and points of every line.
    let index = try String(contentsOf: fixtureLines.appendingPathComponent("index.tsv"), encoding: .utf8)
    let rows = index.split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
    #expect(rows.count == 300)
    for (sequence, row) in zip(sequences, rows) {
      #expect(sequence.source.hasSuffix(String(row[0])))
      #expect(sequence.steps.count == Int(row[7]))
      #expect(sequence.steps.filter(\.eos).count == Int(row[6]))
      #expect(sequence.steps.last?.eos == true)
    }
  }
}

@Suite struct InkFuzzRegressionTests {
  /// Every input the ink fuzzer ever crashed on (fixtures/fuzz/ink) now fails with a typed error.
  @Test func savedFuzzCrashesFailCleanly() throws {
    let dir = repositoryRoot.appendingPathComponent("fixtures/fuzz/ink")
    let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
    #expect(!files.isEmpty)
    for file in files {
      #expect(throws: HandwritingError.self, "\(file.lastPathComponent)") { _ = try InkReader.read(file) }
    }
  }

  /// The bug behind another: a processing instruction without data (`<?foo?>`), which
  /// Foundation's XMLParser crashes on; it is read as `<?foo ?>`, which means the same.
  @Test func aProcessingInstructionWithoutDataIsRead() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file(
      "pi.inkml", "<?xml version=\"1.0\"?><?stylesheet?><ink><?x?><trace>1 2, 3 4</trace><?y\n?></ink>")
    #expect(try InkReader.read(file)[0].ink.strokes == [[SIMD2(1, 2), SIMD2(3, 4)]])
    let padded = InkXMLParser.paddingBareProcessingInstructions(Data("<??><?a?><?b c?><?d?".utf8))
    #expect(String(decoding: padded, as: UTF8.self) == "<??><?a ?><?b c?><?d?")
  }

  @Test func aDTDIsRefused() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE ink [<!ENTITY a \"1 2, 3 4\">]><ink><trace>&a;</trace></ink>"
    let file = try dir.file("dtd.inkml", text)
    #expect(
      throws: HandwritingError.malformed(
        path: file.path, location: "byte offset 22", reason: "a DOCTYPE (DTD) is not supported in ink XML")
    ) {
      _ = try InkReader.read(file)
    }
  }

  /// The bug behind the first of them: a byte that is not UTF-8 inside an element name, which
  /// Foundation's XMLParser traps on.
  @Test func invalidUTF8InAnElementNameIsAnErrorWithItsOffset() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    var bytes = Array("<ink><trace>1 2, 3 4</trace><".utf8)
    let offset = bytes.count
    bytes += [0xD9] + Array("x/></ink>".utf8)
    let file = dir.url.appendingPathComponent("bad.inkml")
    try Data(bytes).write(to: file)
    #expect(
      throws: HandwritingError.malformed(
        path: file.path, location: "byte offset \(offset)", reason: "not valid UTF-8 (ink XML is read as UTF-8)")
    ) {
      _ = try InkReader.read(file)
    }
  }
}
