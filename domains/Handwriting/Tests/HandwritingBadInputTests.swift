import Foundation
import SeqGenEngine
import Testing

@testable import HandwritingDomain

/// Every unusable input gives a one-line `HandwritingError` naming the file (and the line, trace
/// or stroke where known), never a crash.
@Suite struct HandwritingBadInputTests {
  /// Reads `text` as `name` and returns the error's one line, recording an issue if reading worked.
  func failure(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let dir = try TempDir()
    defer { dir.remove() }
    let file = try dir.file(name, text)
    do {
      _ = try HandwritingDomain().read([file])
      Issue.record("reading \(name) should have failed", sourceLocation: sourceLocation)
      return ""
    } catch let error as HandwritingError {
      let line = error.description
      #expect(
        line.hasPrefix(file.path + ": "), "error does not start with the path: \(line)", sourceLocation: sourceLocation)
      #expect(!line.contains("\n"), "error is not one line: \(line)", sourceLocation: sourceLocation)
      return String(line.dropFirst(file.path.count + 2))
    }
  }

  @Test func malformedXMLNamesTheLine() throws {
    let message = try failure("bad.inkml", "<ink>\n<trace>1 2, 3 4</trace>\n<trace>5 6, 7 8</ink>\n")
    #expect(message.hasPrefix("line 3: malformed XML"), "\(message)")
    #expect(try failure("unclosed.xml", "<StrokeSet><Stroke><Point x=\"1\" y=\"2\"/>").contains("malformed XML"))
  }

  @Test func anOddNumberOfCoordinatesNamesTraceAndPoint() throws {
    let message = try failure("odd.inkml", inkML(["0 0, 1 1", "1 2, 3 4, 5"]))
    #expect(message == "trace 2 (line 4), point 3: has 1 value, expected 2 (channels X Y)")
  }

  @Test func nonNumbersAndNaNAreRejected() throws {
    #expect(
      try failure("word.inkml", inkML(["1 2, 3 four"])) == "trace 1 (line 3), point 2: 'four' is not a finite number")
    #expect(try failure("nan.inkml", inkML(["1 2, nan 4"])).contains("'nan' is not a finite number"))
    #expect(
      try failure(
        "inf.xml", "<StrokeSet><Stroke><Point x=\"1\" y=\"2\"/><Point x=\"inf\" y=\"2\"/></Stroke></StrokeSet>"
      ).contains("not a finite number"))
    #expect(
      try failure(
        "iam-word.xml", "<StrokeSet><Stroke><Point x=\"1\" y=\"2\"/><Point x=\"a\" y=\"2\"/></Stroke></StrokeSet>"
      ).contains("is not a pair of numbers"))
  }

  @Test func hugeCoordinatesAreRejected() throws {
    #expect(try failure("huge.inkml", inkML(["1 2, 1e300 4"])).contains("is beyond ±"))
    #expect(
      try failure("huge.json", "[[[0, 0], [1e12, 0]]]")
        == "stroke 1, point 2: coordinate 1000000000000.0 is beyond ±10000000.0")
    #expect(try failure("overflow.json", "[[[0, 0], [1e999, 0]]]") == "invalid JSON")
  }

  @Test func anIAMFileWithoutStrokesIsRejected() throws {
    #expect(
      try failure("empty.xml", "<WhiteboardCaptureSession><StrokeSet></StrokeSet></WhiteboardCaptureSession>")
        == "no pen-down strokes in the file")
    #expect(
      try failure("no-points.xml", "<StrokeSet><Stroke></Stroke></StrokeSet>")
        == "stroke 1 (line 1): stroke has no points")
    #expect(
      try failure("no-y.xml", "<StrokeSet><Stroke><Point x=\"1\"/></Stroke></StrokeSet>").contains("needs x and y"))
  }

  @Test func aStrokeOfOnePointIsRejectedInEveryFormat() throws {
    #expect(
      try failure("dot.inkml", inkML(["0 0, 1 1", "5 5"]))
        == "trace 2 (line 4): stroke of one point (at least two are needed)")
    #expect(
      try failure("dot.xml", "<StrokeSet>\n<Stroke><Point x=\"1\" y=\"2\"/></Stroke></StrokeSet>")
        == "stroke 1 (line 2): stroke of one point (at least two are needed)")
    #expect(
      try failure("dot.json", "[[[0, 0], [1, 1]], [[4, 4]]]")
        == "stroke 2: stroke of one point (at least two are needed)")
  }

  @Test func badJSONNamesWhereItFailed() throws {
    #expect(try failure("truncated.json", "[[[0, 0], [1, 1]").contains("invalid JSON"))
    #expect(
      try failure("shape.json", "[[[0, 0], [1, \"a\"]]]").hasPrefix(
        "stroke 1, point 2, value 2: expected a list of strokes"))
    #expect(try failure("short.json", "[[[0, 0], [1]]]") == "stroke 1, point 2: has 1 value, expected [x, y]")
    #expect(try failure("empty.json", "[]") == "no pen-down strokes in the file")
    #expect(try failure("nostrokes.json", #"{"text": "a"}"#).hasPrefix("no \"strokes\""))
    #expect(try failure("badtext.json", #"{"text": 3, "strokes": []}"#).contains("expected {\"text\""))
  }

  @Test func otherFilesAndEmptyInkAreRejected() throws {
    #expect(try failure("notes.inkml", "hello").contains("not InkML, IAM stroke XML or a JSON list of strokes"))
    #expect(try failure("svg.xml", "<svg><path d=\"M0 0\"/></svg>").contains("root element <svg> is neither InkML"))
    #expect(try failure("blank.inkml", "  \n") == "no pen-down strokes in the file")
    #expect(try failure("no-traces.inkml", inkML([])) == "no pen-down strokes in the file")
    #expect(
      try failure("no-xy.inkml", inkML(["1 2"], head: "<traceFormat><channel name=\"T\"/></traceFormat>")).contains(
        "no X and Y channels"))
    #expect(try failure("stray.inkml", inkML(["1 2,, 3 4"])).contains("point 2: empty point"))
  }

  @Test func anEmptyFolderAndAMissingPathAreRejected() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try dir.file("readme.txt", "no ink here")
    #expect(throws: HandwritingError.noInkFiles(path: dir.url.path)) { try HandwritingDomain().read([dir.url]) }
    #expect(
      HandwritingError.noInkFiles(path: "/d").description == "/d: directory contains no ink files (.inkml, .xml, .json)"
    )
    let missing = dir.url.appendingPathComponent("gone.inkml")
    #expect(throws: HandwritingError.unreadable(path: missing.path, reason: "no such file or directory")) {
      try HandwritingDomain().read([missing])
    }
  }

  /// The XML parser never fetches or expands external entities.
  @Test func externalEntitiesAreNotResolved() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let secret = try dir.file("secret.txt", "1 2, 3 4")
    let text =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE ink [<!ENTITY xxe SYSTEM \"file://\(secret.path)\">]>\n<ink><trace>&xxe;</trace></ink>"
    let file = try dir.file("xxe.inkml", text)
    do {
      let pieces = try InkReader.read(file)
      Issue.record("the external entity was read: \(pieces)")
    } catch {
      #expect("\(error)".hasPrefix(file.path))
    }
  }
}
