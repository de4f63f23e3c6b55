import ArgumentParser
import Foundation
import HandwritingDomain
import SeqGenCLI
import SeqGenEngine

/// `seqgen hershey`: synthetic handwriting lines from a text file and the Hershey script fonts.
struct HersheyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hershey",
    abstract: "Write lines of a text file in the Hershey script fonts as InkML, for training handwriting.",
    discussion: """
      Each of --count lines (8–60 printable ASCII characters, drawn in a seeded order from \
      --text-file) is written in one of --fonts with its own slant (±0.15), scale (0.92–1.08) \
      and point jitter (1% of the capital height), as DIR/line-NNNNN.inkml with its text as the \
      InkML truth annotation; lines of any printable characters the chosen text never used \
      follow, so every glyph the fonts have is written. DIR/index.tsv lists the lines, and \
      DIR/HERSHEY-ACKNOWLEDGEMENT.txt carries the font licence's acknowledgements, which must \
      travel with the strokes. The default 20,000 lines (216 MB, about half a minute) are what \
      `seqgen train handwriting --condition text`'s defaults were measured on: 5,000 lines wrote \
      less legibly (OCR character error rate 0.38 against 0.29).

      Example: seqgen hershey --text-file fixtures/text/shakespeare.txt --out data/lines
      """
  )

  @Option(help: ArgumentHelp("Plain UTF-8 text; one line of handwriting per suitable line.", valueName: "file"))
  var textFile: String
  @Option(help: ArgumentHelp("Folder to write (new or empty).", valueName: "dir")) var out: String
  @Option(help: "Lines to write from the text (coverage lines come on top).") var count = 20000
  @Option(help: "Comma-separated fonts: cursive, scripts, scriptc.") var fonts = HersheyFont.scriptFonts.joined(
    separator: ",")
  @Option(help: ArgumentHelp("Folder of the .jhf fonts.", valueName: "dir")) var fontsDir = "fixtures/handwriting/fonts"
  @Option(help: "Seed for the choice of lines, fonts and variations.") var seed: UInt64 = 1

  var fontNames: [String] { fonts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

  func validate() throws {
    guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be in 1...1000000, got \(count)") }
    let names = fontNames
    guard !names.isEmpty, let bad = Optional(names.filter { !HersheyFont.scriptFonts.contains($0) }), bad.isEmpty else {
      throw ValidationError(
        "--fonts takes \(HersheyFont.scriptFonts.joined(separator: ", ")), got \(fonts)")
    }
  }

  func run() throws {
    let fonts = try fontNames.map {
      try HersheyFont(contentsOf: URL(fileURLWithPath: fontsDir).appendingPathComponent("\($0).jhf"))
    }
    let candidates = try HersheyLines.candidates(in: URL(fileURLWithPath: textFile))
    guard !candidates.isEmpty else {
      throw HandwritingError.malformed(
        path: textFile, location: nil, reason: "no line of 8 to 60 printable ASCII characters to write")
    }
    let dir = URL(fileURLWithPath: out)
    if let existing = try? FileManager.default.contentsOfDirectory(atPath: dir.path), !existing.isEmpty {
      throw EngineError.invalidArgument("\(out) is not empty; choose a new folder")
    }
    do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
      throw EngineError.io(path: out, reason: "cannot create: \(error.localizedDescription)")
    }
    let lines = HersheyLines.lines(count: count, from: candidates, fonts: fonts, seed: seed)
    var index = "file\tfont\tsource\tslant\tscale\tjitter_sigma\tstrokes\tpoints\ttext\n"
    for line in lines {
      try AtomicFile.write(Data(HersheyLines.inkML(line).utf8), to: dir.appendingPathComponent(line.file))
      let v = line.variation
      index +=
        String(
          format: "%@\t%@\t%@\t%.4f\t%.4f\t%.4f\t%d\t%d\t", line.file, line.font, line.source, v.slant, v.scale,
          v.jitter,
          line.ink.strokes.count, line.ink.pointCount) + line.text + "\n"
    }
    try AtomicFile.write(Data(index.utf8), to: dir.appendingPathComponent("index.tsv"))
    try AtomicFile.write(
      Data(HersheyLines.acknowledgement.utf8), to: dir.appendingPathComponent("HERSHEY-ACKNOWLEDGEMENT.txt"))
    let glyphs = Set(lines.flatMap { Array($0.text) }).subtracting([" "]).count
    let points = lines.reduce(0) { $0 + $1.ink.pointCount }
    Console.line(
      "wrote \(lines.count) lines (\(lines.count - min(count, lines.count)) for coverage; \(glyphs) distinct characters, \(points.formatted()) points) to \(out)"
    )
  }
}
