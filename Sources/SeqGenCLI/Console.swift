import Foundation

/// Unbuffered output: streamed samples and progress lines appear at once and in order.
public enum Console {
  /// Where output goes instead of stdout and stderr, bound for the commands a test runs
  /// in-process (`Console.$capture.withValue(…)`); nil: the terminal.
  @TaskLocal public static var capture: (@Sendable (_ text: String, _ isError: Bool) -> Void)?

  public static func write(_ text: String) {
    if let capture { return capture(text, false) }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  public static func line(_ text: String) { write(text + "\n") }

  public static func warn(_ text: String) {
    if let capture { return capture(text + "\n", true) }
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
