import Foundation

/// The texts a conditioned model is asked to render (handwriting writes them, speech says
/// them): one given inline, or the non-empty lines of a UTF-8 file.
public enum GivenTexts {
  /// The `text`, `textFile` and `skipUnknown` settings of a domain that renders given texts,
  /// `text` and `textFile` helped in the domain's words (what the text is, what one line makes).
  public static func settings(text: String, textFile: String) -> [Setting] {
    [
      Setting("text", label: "Text", help: text, kind: .text),
      Setting("textFile", label: "Text file", help: textFile, kind: .file, advanced: true),
      Setting(
        "skipUnknown", label: "Skip unknown",
        help: "Leave out characters of the text the model has no class for, instead of failing.", kind: .bool,
        default: .bool(false), advanced: true),
    ]
  }

  /// `text`, or the non-empty lines of `textFile` (UTF-8, at least one line, each at most
  /// `maxLength` characters); nil when neither is given.
  public static func read(text: String?, textFile: String?, maxLength: Int) throws(EngineError) -> [String]? {
    if let text { return [text] }
    guard let textFile else { return nil }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: textFile)) } catch {
      throw .invalidArgument("\(textFile): cannot read the text file (\((error as NSError).localizedDescription))")
    }
    guard let content = String(data: data, encoding: .utf8) else {
      throw .invalidArgument("\(textFile): not UTF-8 text")
    }
    let lines = content.split(whereSeparator: \.isNewline).map(String.init).filter {
      !$0.trimmingCharacters(in: .whitespaces).isEmpty
    }
    guard !lines.isEmpty else { throw .invalidArgument("\(textFile): no text to write (the file is empty)") }
    if let long = lines.first(where: { $0.count > maxLength }) {
      throw .invalidArgument("\(textFile): a line of \(long.count) characters, more than \(maxLength)")
    }
    return lines
  }
}
