import Foundation

/// Unbuffered output: streamed samples and progress lines appear at once and in order.
enum Console {
  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func line(_ text: String) { write(text + "\n") }

  static func warn(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
