import Foundation
import SeqGenEngine

/// Finds ink files and reads them, choosing the format by content: XML whose root is `<ink>`
/// (W3C InkML) or `<WhiteboardCaptureSession>`/`<StrokeSet>` (IAM On-Line), a JSON list of
/// strokes `[[[x, y], …], …]`, or a JSON object `{"text": "…", "strokes": [[[x, y], …], …]}`
/// (the strokes with their transcription).
enum InkReader {
  /// File extensions read when a directory is given (single files are read whatever their name).
  static let extensions: Set<String> = ["inkml", "xml", "json"]
  /// Largest file read: far above any real ink file, small enough to hold in memory.
  static let maxFileBytes = 256 << 20

  /// One named piece of ink: a whole file, or one top-level InkML `<traceGroup>`.
  struct Piece {
    var source: String
    var ink: Ink
    /// The transcription the file gives this ink, if any.
    var text: String? = nil
    /// Why an IAM stroke file has no text (its transcription file is missing or too short).
    var untranscribed: String? = nil
  }

  /// The file itself, or the ink files under a directory (recursively, hidden files skipped),
  /// sorted by path.
  static func files(at url: URL) throws(HandwritingError) -> [URL] {
    do { return try CorpusFiles.find(at: url, extensions: extensions) } catch .noMatchingFiles {
      throw .noInkFiles(path: url.path)
    } catch {
      throw .unreadable(path: url.path, reason: error.reason(kind: "ink", extensions: extensions))
    }
  }

  /// Reads one file into one or more pieces of ink (each with at least one stroke).
  static func read(_ url: URL) throws(HandwritingError) -> [Piece] {
    let path = url.path
    guard FileManager.default.fileExists(atPath: path) else {
      throw .unreadable(path: path, reason: "no such file or directory")
    }
    if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxFileBytes {
      throw .unreadable(
        path: path, reason: "file is \(size) bytes, larger than the \(maxFileBytes >> 20) MiB limit for ink")
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .unreadable(path: path, reason: "cannot read: \((error as NSError).localizedDescription)")
    }
    guard data.count <= maxFileBytes else {
      throw .unreadable(path: path, reason: "file larger than the \(maxFileBytes >> 20) MiB limit for ink")
    }
    var start = data.startIndex
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
    while start < data.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(data[start]) { start += 1 }
    guard start < data.endIndex else { throw .noStrokes(path: path) }
    switch data[start] {
    case UInt8(ascii: "["): return [Piece(source: path, ink: try json(data, path: path))]
    case UInt8(ascii: "{"):
      let (ink, text) = try transcribedJSON(data, path: path)
      return [Piece(source: path, ink: ink, text: text)]
    case UInt8(ascii: "<"): return try InkXMLParser.parse(data, path: path)
    default: throw .malformed(path: path, location: nil, reason: "not InkML, IAM stroke XML or a JSON list of strokes")
    }
  }

  /// Reads one file as `read(_:)` does, an IAM On-Line stroke line with its text from the
  /// database's `ascii/` transcriptions.
  static func read(_ url: URL, transcripts: inout IAMTranscripts) throws(HandwritingError) -> [Piece] {
    var pieces = try read(url)
    if pieces.count == 1, pieces[0].text == nil, let paired = transcripts.text(forStrokeFile: url) {
      switch paired {
      case .success(let text): pieces[0].text = text
      case .failure(let missing): pieces[0].untranscribed = missing.reason
      }
    }
    return pieces
  }

  /// `{"text": "…", "strokes": [[[x, y], …], …]}`: strokes as `json` reads them, with their
  /// transcription (`text` may be left out).
  static func transcribedJSON(_ data: Data, path: String) throws(HandwritingError) -> (Ink, String?) {
    struct Transcribed: Decodable {
      var text: String?
      var strokes: [[[Double]]]
    }
    let value = try decodeJSON(
      Transcribed.self, data, path: path, what: "expected {\"text\": …, \"strokes\": [[[x, y], …], …]}")
    return (try ink(value.strokes, path: path), value.text)
  }

  /// A JSON list of strokes, each a list of [x, y] points (extra numbers per point, such as a
  /// time, are ignored).
  static func json(_ data: Data, path: String) throws(HandwritingError) -> Ink {
    try ink(
      decodeJSON(
        [[[Double]]].self, data, path: path, what: "expected a list of strokes, each a list of [x, y] numbers"),
      path: path)
  }

  /// Decodes JSON, with a decoding error turned into one line that says where (stroke n,
  /// point m) and what was wrong.
  static func decodeJSON<T: Decodable>(_ type: T.Type, _ data: Data, path: String, what mismatch: String)
    throws(HandwritingError) -> T
  {
    do { return try JSONDecoder().decode(T.self, from: data) } catch let error as DecodingError {
      let (context, what): (DecodingError.Context?, String) =
        switch error {
        case .typeMismatch(_, let c): (c, mismatch)
        case .valueNotFound(_, let c): (c, "null where a value was expected")
        case .dataCorrupted(let c): (c, "invalid JSON")
        case .keyNotFound(let key, let c): (c, "no \"\(key.stringValue)\" (\(mismatch))")
        @unknown default: (nil, "invalid JSON")
        }
      let indices = context?.codingPath.compactMap(\.intValue) ?? []
      let location =
        indices.isEmpty
        ? nil : zip(["stroke", "point", "value"], indices).map { "\($0) \($1 + 1)" }.joined(separator: ", ")
      var detail = ""
      if let underlying = (context?.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String {
        detail = " (\(underlying))"
      }
      throw .malformed(path: path, location: location, reason: what + detail)
    } catch {
      throw .malformed(path: path, location: nil, reason: "invalid JSON")
    }
  }

  /// Strokes of [x, y, …] numbers as ink, every point and stroke checked.
  static func ink(_ raw: [[[Double]]], path: String) throws(HandwritingError) -> Ink {
    var strokes: [[SIMD2<Double>]] = []
    for (s, stroke) in raw.enumerated() {
      var points: [SIMD2<Double>] = []
      for (i, p) in stroke.enumerated() {
        guard p.count >= 2 else {
          throw .badStroke(
            path: path, location: "stroke \(s + 1), point \(i + 1)",
            reason: "has \(p.count) value\(p.count == 1 ? "" : "s"), expected [x, y]")
        }
        points.append(try point(p[0], p[1], path: path, location: "stroke \(s + 1), point \(i + 1)"))
      }
      try check(stroke: points, path: path, location: "stroke \(s + 1)")
      strokes.append(points)
    }
    guard !strokes.isEmpty else { throw .noStrokes(path: path) }
    return Ink(strokes: strokes)
  }

  /// A point whose coordinates are finite and within `Ink.maxCoordinate`.
  static func point(_ x: Double, _ y: Double, path: String, location: String) throws(HandwritingError) -> SIMD2<Double>
  {
    for v in [x, y] where !(v.isFinite && abs(v) <= Ink.maxCoordinate) {
      throw .badStroke(
        path: path, location: location,
        reason: v.isFinite
          ? "coordinate \(v) is beyond ±\(Ink.maxCoordinate)" : "coordinate \(v) is not a finite number")
    }
    return SIMD2(x, y)
  }

  /// A stroke needs two points: a single point has no shape to learn and no pen direction.
  static func check(stroke: [SIMD2<Double>], path: String, location: String) throws(HandwritingError) {
    if stroke.isEmpty { throw .badStroke(path: path, location: location, reason: "stroke has no points") }
    if stroke.count == 1 {
      throw .badStroke(path: path, location: location, reason: "stroke of one point (at least two are needed)")
    }
  }
}
