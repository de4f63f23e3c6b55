import Foundation
import Testing

/// Golden `--help` output of every command, as swift-argument-parser's own example tests keep
/// it: the text a user reads is reviewed in the diff whenever it changes. Re-record with
/// `SEQGEN_RECORD_HELP=1 swift test --filter HelpSnapshotTests`.
@Suite struct HelpSnapshotTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("fixtures/help")
  static let recording = ProcessInfo.processInfo.environment["SEQGEN_RECORD_HELP"] == "1"

  /// The names listed under SUBCOMMANDS in a help text.
  static func subcommands(of help: String) -> [String] {
    guard let start = help.range(of: "\nSUBCOMMANDS:\n") else { return [] }
    let section = help[start.upperBound...].components(separatedBy: "\n\n")[0]
    return section.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
        return nil
      }
      return name.allSatisfy { $0.isLetter || $0 == "-" } ? String(name) : nil
    }
  }

  /// Every command path, found from the help texts themselves (so a new domain's commands
  /// join without editing this test), with its help.
  static func allHelp() throws -> [(command: [String], help: String)] {
    var found: [(command: [String], help: String)] = []
    var queue: [[String]] = [[]]
    while let command = queue.first {
      queue.removeFirst()
      let result = try CLI.run(command + ["--help"])
      try #require(result.succeeded, "\(command): \(result)")
      found.append((command, result.stdout))
      queue += subcommands(of: result.stdout).map { command + [$0] }
    }
    return found
  }

  @Test func everyCommandsHelpMatchesItsSnapshot() throws {
    let all = try Self.allHelp()
    #expect(all.count >= 15, "found only \(all.map(\.command))")
    if Self.recording { try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true) }
    for (command, help) in all {
      let file = Self.folder.appendingPathComponent((["seqgen"] + command).joined(separator: "-") + ".txt")
      if Self.recording {
        try Data(help.utf8).write(to: file)
        continue
      }
      let golden = try? String(contentsOf: file, encoding: .utf8)
      #expect(
        golden == help,
        "seqgen \(command.joined(separator: " ")) --help differs from \(file.lastPathComponent) (re-record with SEQGEN_RECORD_HELP=1)"
      )
    }
    if !Self.recording {
      let names = Set(all.map { (["seqgen"] + $0.command).joined(separator: "-") + ".txt" })
      let stale = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { !names.contains($0) }
      #expect(stale.isEmpty, "snapshots of commands that no longer exist: \(stale)")
    }
  }

  /// Help text reads as paragraphs: no line but the usage line (which the parser never
  /// wraps) is longer than the 80 columns it is laid out in.
  @Test func helpIsWrappedToEightyColumns() throws {
    for (command, help) in try Self.allHelp() {
      let long = help.split(separator: "\n").map(String.init).filter { $0.count > 80 && !$0.hasPrefix("USAGE:") }
      #expect(long.isEmpty, "seqgen \(command.joined(separator: " ")) --help: \(long)")
    }
  }

  /// Each domain's generate help speaks of that domain only: no other domain's files or output,
  /// and one flag for one setting.
  @Test func eachDomainsGenerateHelpSpeaksOfItsOwnDomain() throws {
    let help = Dictionary(uniqueKeysWithValues: try Self.allHelp().map { ($0.command.joined(separator: " "), $0.help) })
    let foreign: [String: [String]] = [
      "generate notes": ["text runs", "domains primed from files", "--length", "stdout"],
      "generate audio": ["text runs", "domains primed from files", "MIDI", "stdout"],
      "generate handwriting": ["text runs", "domains primed from files", "MIDI"],
      "generate text": ["domains primed from files", "MIDI", "recording"],
    ]
    for (command, words) in foreign {
      let text = try #require(help[command], "no help for \(command)")
      for word in words { #expect(!text.contains(word), "\(command) --help mentions \(word)") }
    }
  }
}
