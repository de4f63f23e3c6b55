import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Reads the two XML ink formats with one streaming parser (libxml2 through Foundation's
/// `XMLParser`; external entities are never resolved):
///
/// - W3C InkML: `<trace>` text "x y, x y, …" in the channel order of the document's first
///   `<traceFormat>` (X Y when there is none), with InkML's explicit (`!`), first-difference
///   (`'`) and second-difference (`"`) value prefixes; `type="penUp"` traces are skipped; each
///   top-level `<traceGroup>` that holds traces is one piece, traces outside groups another.
///   An `<annotation type="truth">` directly in `<ink>` is the file's transcription (of its
///   loose traces, and of its one group if it has one); one directly in a top-level
///   `<traceGroup>` is that group's.
/// - IAM On-Line Handwriting Database: `<StrokeSet><Stroke><Point x= y= time=/>…`.
final class InkXMLParser: NSObject, XMLParserDelegate {
  enum Format { case unknown, inkML, iam }

  let path: String
  var format = Format.unknown
  var failure: HandwritingError?
  var parser: XMLParser!

  // InkML state.
  var channels: [String]?
  var pendingChannels: [String] = []
  var inTraceFormat = false
  var inIntermittent = false
  var intermittentCount = 0
  var traceText: String?
  var traceLine = 0
  var traceNumber = 0
  var traceIsPenUp = false
  var groupDepth = 0
  var groups: [[[SIMD2<Double>]]] = []
  var loose: [[SIMD2<Double>]] = []
  /// The text of the truth annotation being read, and whether it is a group's (else the file's).
  var truthText: String?
  var truthOfGroup = false
  var fileTruth: String?
  /// Per top-level group, its own truth annotation.
  var groupTruths: [String?] = []

  // IAM state.
  var strokes: [[SIMD2<Double>]] = []
  var inStroke = false
  var strokeLine = 0

  init(path: String) { self.path = path }

  static func parse(_ data: Data, path: String) throws(HandwritingError) -> [InkReader.Piece] {
    // Foundation's XMLParser traps on an element name that is not valid UTF-8 (libxml2 passes
    // such bytes through in some cases; a fuzzer found one), so only valid UTF-8 goes in.
    if let offset = invalidUTF8Offset(data) {
      throw .malformed(
        path: path, location: "byte offset \(offset)", reason: "not valid UTF-8 (ink XML is read as UTF-8)")
    }
    // Ink formats have no DTD, and Foundation's DTD callbacks read optional C strings as if
    // they were always there: refusing DTDs also keeps entity expansion out.
    if let doctype = data.firstRange(of: Data("<!DOCTYPE".utf8)) {
      throw .malformed(
        path: path, location: "byte offset \(doctype.lowerBound - data.startIndex)",
        reason: "a DOCTYPE (DTD) is not supported in ink XML")
    }
    let delegate = InkXMLParser(path: path)
    let parser = XMLParser(data: paddingBareProcessingInstructions(data))
    parser.shouldResolveExternalEntities = false
    parser.shouldProcessNamespaces = false
    parser.delegate = delegate
    delegate.parser = parser
    let ok = parser.parse()
    if let failure = delegate.failure { throw failure }
    guard ok else {
      let reason = (parser.parserError as NSError?).map { describe($0) } ?? "malformed XML"
      throw .malformed(path: path, location: "line \(parser.lineNumber)", reason: "malformed XML: \(reason)")
    }
    return try delegate.pieces()
  }

  /// Where the first byte that is not part of valid UTF-8 is, or nil when all of it is.
  static func invalidUTF8Offset(_ data: Data) -> Int? {
    var decoder = UTF8()
    var bytes = data.makeIterator()
    var offset = 0
    while true {
      switch decoder.decode(&bytes) {
      case .scalarValue(let s): offset += UTF8.width(s)
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// The document with a space added to every processing instruction that has a target and no
  /// data (`<?foo?>` becomes `<?foo ?>`): Foundation's XMLParser crashes on the former (it
  /// reads libxml2's null data pointer as a C string; a fuzzer found it), and the two mean the
  /// same. Line numbers do not change.
  static func paddingBareProcessingInstructions(_ data: Data) -> Data {
    let bytes = [UInt8](data)
    let question = UInt8(ascii: "?")
    let less = UInt8(ascii: "<")
    let greater = UInt8(ascii: ">")
    var out: [UInt8] = []
    var copied = 0
    var i = 0
    while i + 1 < bytes.count {
      guard bytes[i] == less, bytes[i + 1] == question else {
        i += 1
        continue
      }
      var j = i + 2
      while j < bytes.count, ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[j]),
        !(bytes[j] == question && j + 1 < bytes.count && bytes[j + 1] == greater)
      {
        j += 1
      }
      if j > i + 2, j + 1 < bytes.count, bytes[j] == question, bytes[j + 1] == greater {
        out += bytes[copied..<j]
        out.append(0x20)
        copied = j
      }
      i = j
    }
    guard copied > 0 else { return data }
    out += bytes[copied...]
    return Data(out)
  }

  /// libxml2's message without its trailing newline, or the error's code.
  static func describe(_ error: NSError) -> String {
    if let message = error.userInfo[NSLocalizedDescriptionKey] as? String, !message.isEmpty,
      !message.hasPrefix("The operation")
    {
      return message.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return "parser error \(error.code)"
  }

  func fail(_ error: HandwritingError) {
    if failure == nil { failure = error }
    parser.abortParsing()
  }

  /// The element name without a namespace prefix.
  func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    let name = local(elementName)
    if format == .unknown {
      switch name {
      case "ink": format = .inkML
      case "WhiteboardCaptureSession", "StrokeSet": format = .iam
      default:
        fail(
          .malformed(
            path: path, location: "line \(parser.lineNumber)",
            reason:
              "root element <\(elementName)> is neither InkML <ink> nor IAM <WhiteboardCaptureSession>/<StrokeSet>"))
      }
      if format != .unknown, name == "ink" || name == "WhiteboardCaptureSession" || name == "StrokeSet" { return }
    }
    switch (format, name) {
    case (.inkML, "traceFormat"):
      if channels == nil {
        inTraceFormat = true
        pendingChannels = []
      }
    case (.inkML, "intermittentChannels"):
      inIntermittent = inTraceFormat
    case (.inkML, "channel") where inTraceFormat:
      if inIntermittent {
        intermittentCount += 1
      } else {
        pendingChannels.append(attributes["name"] ?? "")
      }
    case (.inkML, "traceGroup"):
      if groupDepth == 0 {
        groups.append([])
        groupTruths.append(nil)
      }
      groupDepth += 1
    case (.inkML, "annotation") where attributes["type"] == "truth" && (groupDepth == 0 || groupDepth == 1):
      truthText = ""
      truthOfGroup = groupDepth == 1
    case (.inkML, "trace"):
      traceNumber += 1
      traceText = ""
      traceLine = parser.lineNumber
      traceIsPenUp = attributes["type"] == "penUp"
    case (.iam, "Stroke"):
      strokes.append([])
      inStroke = true
      strokeLine = parser.lineNumber
    case (.iam, "Point"):
      let location = "stroke \(strokes.count) (line \(parser.lineNumber)), point \((strokes.last?.count ?? 0) + 1)"
      guard inStroke else {
        fail(.badStroke(path: path, location: "line \(parser.lineNumber)", reason: "<Point> outside a <Stroke>"))
        return
      }
      guard let xs = attributes["x"], let ys = attributes["y"] else {
        fail(.badStroke(path: path, location: location, reason: "<Point> needs x and y attributes"))
        return
      }
      guard let x = Double(xs.trimmingCharacters(in: .whitespaces)),
        let y = Double(ys.trimmingCharacters(in: .whitespaces))
      else {
        fail(
          .badStroke(
            path: path, location: location,
            reason: "x=\"\(xs.prefix(40))\" y=\"\(ys.prefix(40))\" is not a pair of numbers"))
        return
      }
      do { strokes[strokes.count - 1].append(try InkReader.point(x, y, path: path, location: location)) } catch {
        fail(error)
      }
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if traceText != nil { traceText! += string }
    if truthText != nil { truthText! += string }
  }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
    switch (format, local(elementName)) {
    case (.inkML, "traceFormat") where inTraceFormat:
      inTraceFormat = false
      channels = pendingChannels
      let names = pendingChannels.map { $0.uppercased() }
      if !names.contains("X") || !names.contains("Y") {
        fail(
          .malformed(
            path: path, location: "line \(parser.lineNumber)",
            reason: "<traceFormat> has no X and Y channels (channels: \(pendingChannels.joined(separator: " ")))"))
      }
    case (.inkML, "intermittentChannels"):
      inIntermittent = false
    case (.inkML, "annotation"):
      guard let text = truthText?.trimmingCharacters(in: .whitespacesAndNewlines) else { return }
      truthText = nil
      if truthOfGroup { groupTruths[groupTruths.count - 1] = text } else if fileTruth == nil { fileTruth = text }
    case (.inkML, "traceGroup"):
      groupDepth = max(groupDepth - 1, 0)
    case (.inkML, "trace"):
      guard let text = traceText else { return }
      traceText = nil
      if traceIsPenUp { return }
      do {
        let stroke = try trace(text)
        if groupDepth > 0 { groups[groups.count - 1].append(stroke) } else { loose.append(stroke) }
      } catch { fail(error) }
    case (.iam, "Stroke"):
      inStroke = false
      do {
        try InkReader.check(
          stroke: strokes[strokes.count - 1], path: path, location: "stroke \(strokes.count) (line \(strokeLine))")
      } catch { fail(error) }
    default: break
    }
  }

  func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
    if failure == nil {
      failure = .malformed(
        path: path, location: "line \(parser.lineNumber)",
        reason: "malformed XML: \(Self.describe(parseError as NSError))")
    }
  }

  /// How an InkML value is written: as is (`!`), as a difference from the previous point's
  /// value (`'`), or as a change of that difference (`"`). The mode persists per channel.
  enum Encoding { case explicit, first, second }

  /// One InkML trace's points, checked.
  func trace(_ text: String) throws(HandwritingError) -> [SIMD2<Double>] {
    let channels = self.channels ?? ["X", "Y"]
    let upper = channels.map { $0.uppercased() }
    let xi = upper.firstIndex(of: "X")!
    let yi = upper.firstIndex(of: "Y")!
    let location = "trace \(traceNumber) (line \(traceLine))"
    var encoding = [Encoding](repeating: .explicit, count: channels.count + intermittentCount)
    var value = [Double](repeating: 0, count: channels.count + intermittentCount)
    var velocity = value
    var points: [SIMD2<Double>] = []
    for (n, chunk) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
      let tokens = chunk.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
      if tokens.isEmpty, n > 0 || !chunk.allSatisfy(\.isWhitespace) {
        throw .badStroke(path: path, location: "\(location), point \(n + 1)", reason: "empty point (stray comma?)")
      }
      if tokens.isEmpty { continue }
      guard tokens.count >= channels.count, tokens.count <= channels.count + intermittentCount else {
        throw .badStroke(
          path: path, location: "\(location), point \(n + 1)",
          reason:
            "has \(tokens.count) value\(tokens.count == 1 ? "" : "s"), expected \(channels.count) (channels \(channels.joined(separator: " ")))"
        )
      }
      for c in [xi, yi] {
        var token = Substring(tokens[c])
        switch token.first {
        case "!":
          encoding[c] = .explicit
          token = token.dropFirst()
        case "'":
          encoding[c] = .first
          token = token.dropFirst()
        case "\"":
          encoding[c] = .second
          token = token.dropFirst()
        default: break
        }
        guard let v = Double(token), v.isFinite else {
          throw .badStroke(
            path: path, location: "\(location), point \(n + 1)",
            reason: "'\(tokens[c].prefix(40))' is not a finite number")
        }
        switch encoding[c] {
        case .explicit:
          velocity[c] = points.isEmpty ? 0 : v - value[c]
          value[c] = v
        case .first:
          velocity[c] = v
          value[c] += v
        case .second:
          velocity[c] += v
          value[c] += velocity[c]
        }
      }
      points.append(try InkReader.point(value[xi], value[yi], path: path, location: "\(location), point \(n + 1)"))
    }
    try InkReader.check(stroke: points, path: path, location: location)
    return points
  }

  /// The pieces after a successful parse.
  func pieces() throws(HandwritingError) -> [InkReader.Piece] {
    switch format {
    case .unknown: throw .malformed(path: path, location: nil, reason: "no root element")
    case .iam:
      guard !strokes.isEmpty else { throw .noStrokes(path: path) }
      return [InkReader.Piece(source: path, ink: Ink(strokes: strokes))]
    case .inkML:
      var pieces: [InkReader.Piece] = []
      if !loose.isEmpty { pieces.append(InkReader.Piece(source: path, ink: Ink(strokes: loose), text: fileTruth)) }
      let withInk = groups.enumerated().filter { !$0.element.isEmpty }
      for (k, group) in withInk {
        pieces.append(
          InkReader.Piece(
            source: groups.count > 1 ? "\(path)#traceGroup\(k + 1)" : path, ink: Ink(strokes: group),
            text: groupTruths[k] ?? (groups.count == 1 && loose.isEmpty ? fileTruth : nil)))
      }
      guard !pieces.isEmpty else { throw .noStrokes(path: path) }
      return pieces
    }
  }
}
