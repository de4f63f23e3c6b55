/// Splits text into the pieces a word model predicts, keeping every character: joining the
/// pieces gives the text back exactly (case, spaces, tabs and line ends included).
///
/// - A word is a run of letters, marks, digits and underscores (so `snake_case` identifiers
///   stay whole), with an apostrophe between two letters kept inside ("don't", "o'er").
/// - Every other visible character (punctuation, symbols) is a piece of its own.
/// - One space before a word or a punctuation mark belongs to it (" king" and "king" are two
///   pieces, as in GPT-2's byte-level BPE): most spaces cost no step of their own.
/// - A line end ("\n") is a piece; any other run of whitespace (indentation, a second space,
///   a tab, "\r") is one piece, less the space the next word takes.
public enum WordTokenizer {
  public static func pieces<S: Sequence>(_ text: S) -> [String] where S.Element == Unicode.Scalar {
    let scalars = Array(text)
    var pieces: [String] = []
    var i = 0
    let n = scalars.count
    func isWord(_ s: Unicode.Scalar) -> Bool {
      let p = s.properties
      return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
        || p.generalCategory == .spacingMark || s == "_"
    }
    func isApostrophe(_ s: Unicode.Scalar) -> Bool { s == "'" || s == "\u{2019}" }
    func isSpace(_ s: Unicode.Scalar) -> Bool { s != "\n" && s.properties.isWhitespace }
    while i < n {
      let s = scalars[i]
      var start = i
      if s == "\n" {
        pieces.append("\n")
        i += 1
        continue
      }
      if isSpace(s) {
        var end = i
        while end < n && isSpace(scalars[end]) { end += 1 }
        // The last space of the run goes with a following word or mark.
        let joins = end < n && scalars[end] != "\n" && scalars[end - 1] == " "
        let runEnd = joins ? end - 1 : end
        if runEnd > i { pieces.append(string(scalars[i..<runEnd])) }
        i = runEnd
        guard joins else { continue }
        start = i
        i += 1
      }
      if i < n && isWord(scalars[i]) {
        var end = i + 1
        while end < n {
          if isWord(scalars[end]) {
            end += 1
          } else if isApostrophe(scalars[end]) && end + 1 < n && scalars[end + 1].properties.isAlphabetic
            && scalars[end - 1].properties.isAlphabetic
          {
            end += 2
          } else {
            break
          }
        }
        i = end
      } else if i < n {
        i += 1
      }
      pieces.append(string(scalars[start..<i]))
    }
    return pieces
  }

  /// Whether a piece holds a letter or digit (a word, not a mark or spacing).
  public static func isWord(_ piece: String) -> Bool {
    piece.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
  }

  private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    var s = ""
    s.unicodeScalars.append(contentsOf: scalars)
    return s
  }
}
