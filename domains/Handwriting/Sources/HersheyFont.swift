import Foundation

/// A Hershey font in James Hurt's `.jhf` format: one glyph per line, for ASCII 32 onwards in
/// order. A line is a 5-column id, a 3-column vertex count, the glyph's left and right
/// margins, then one vertex per two characters (each coordinate is its character minus `R`,
/// y pointing down); " R" lifts the pen.
///
/// The reader bounds everything it reads: a count beyond the line or coordinates out of the
/// font's range are one error naming the file and line.
public struct HersheyFont: Sendable {
  public struct Glyph: Sendable, Equatable {
    public var left: Int
    public var right: Int
    /// Pen-down strokes, in font units.
    public var strokes: [[SIMD2<Double>]]
    public var advance: Int { right - left }
  }

  public let name: String
  /// Glyphs by character, printable ASCII only.
  public let glyphs: [Character: Glyph]
  /// Top of the capitals to the baseline, in font units (of "H"), for sizing jitter.
  public let capHeight: Double

  /// The fonts this domain's synthetic lines are written with (in `fixtures/handwriting/fonts`).
  public static let scriptFonts = ["cursive", "scripts", "scriptc"]

  public init(contentsOf url: URL) throws(HandwritingError) {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .unreadable(path: url.path, reason: error.localizedDescription)
    }
    guard data.count <= 1 << 20 else { throw .malformed(path: url.path, location: nil, reason: "larger than 1 MB") }
    try self.init(name: url.deletingPathExtension().lastPathComponent, text: data, path: url.path)
  }

  public init(name: String, text data: Data, path: String) throws(HandwritingError) {
    self.name = name
    let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
    var glyphs: [Character: Glyph] = [:]
    for (index, raw) in lines.enumerated() where index < 95 {
      let line = Array(raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw)
      func fail(_ reason: String) -> HandwritingError {
        .malformed(path: path, location: "line \(index + 1)", reason: reason)
      }
      guard line.count >= 10,
        let count = Int(String(decoding: line[5..<8], as: UTF8.self).trimmingCharacters(in: .whitespaces)),
        count >= 1
      else { throw fail("not a Hershey glyph line (id, vertex count, margins)") }
      guard 8 + 2 * count <= line.count else {
        throw fail("\(count) vertices announced, the line holds \((line.count - 8) / 2)")
      }
      func value(_ c: UInt8) throws(HandwritingError) -> Int {
        guard c >= 0x20 && c < 0x7F else { throw fail("byte \(c) is not a coordinate") }
        return Int(c) - Int(UInt8(ascii: "R"))
      }
      let left = try value(line[8])
      let right = try value(line[9])
      var strokes: [[SIMD2<Double>]] = [[]]
      for k in 1..<count {
        let a = line[8 + 2 * k]
        let b = line[9 + 2 * k]
        if a == UInt8(ascii: " ") && b == UInt8(ascii: "R") {
          strokes.append([])
        } else {
          strokes[strokes.count - 1].append(SIMD2(Double(try value(a)), Double(try value(b))))
        }
      }
      glyphs[Character(Unicode.Scalar(UInt8(32 + index)))] = Glyph(
        left: left, right: right, strokes: strokes.filter { !$0.isEmpty })
    }
    guard glyphs.count == 95 else {
      throw .malformed(
        path: path, location: nil, reason: "\(glyphs.count) glyphs, a Hershey font has 95 (ASCII 32–126)")
    }
    self.glyphs = glyphs
    let h = glyphs["H"]?.strokes.flatMap { $0 }.map(\.y) ?? []
    capHeight = max(1, (h.max() ?? 1) - (h.min() ?? 0))
  }

  /// The printable characters the font draws (with at least one stroke, or a space's advance).
  public var characters: Set<Character> { Set(glyphs.keys) }
}
