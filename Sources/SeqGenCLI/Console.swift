import Foundation

/// Unbuffered output: streamed samples and progress lines appear at once and in order.
public enum Console {
  /// Where output goes instead of stdout and stderr (tests that run commands in-process);
  /// set once before any command runs.
  nonisolated(unsafe) public static var capture: ((_ text: String, _ isError: Bool) -> Void)?

  /// Set on the processes of a parallel job other than the first: they print errors only.
  nonisolated(unsafe) public static var silent = false

  public static func write(_ text: String) {
    if silent { return }
    if let capture { return capture(text, false) }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  public static func line(_ text: String) { write(text + "\n") }

  public static func warn(_ text: String) {
    if let capture { return capture(text + "\n", true) }
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
