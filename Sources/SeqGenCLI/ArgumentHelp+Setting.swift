import ArgumentParser
import SeqGenEngine

extension ArgumentHelp {
  /// A flag's help from the setting it sets, described once (`Setting`): its line, then its
  /// valid range.
  public init(_ setting: Setting, valueName: String? = nil, visibility: ArgumentVisibility = .default) {
    var text = setting.help
    if let range = setting.rangeText {
      if text.hasSuffix(".") { text.removeLast() }
      text += "; \(range)."
    }
    self.init(text, valueName: valueName, visibility: visibility)
  }
}
