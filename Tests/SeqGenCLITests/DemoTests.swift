import Foundation
import SoundIO
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `seqgen demo --quick` end to end: every artefact exists and parses, and the page links only
/// to files that exist.
@Suite struct DemoTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("fixtures").path

  @Test func quickDemoWritesAGalleryOfValidFiles() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let out = box.path("demo")
    let result = try CLI.run(["demo", "--quick", "--out", out, "--fixtures", Self.fixtures], timeout: 600)
    try #require(result.succeeded, "\(result)")
    let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
    for section in ["text", "handwriting", "notes", "audio"] {
      #expect(html.contains("<section id=\"\(section)\">"), "no \(section) section")
    }

    // Every linked file exists.
    let links = html.matches(of: /(?:src|href)="([^"]+)"/).map { String($0.output.1) }
    #expect(links.count >= 10)
    for link in links {
      #expect(FileManager.default.fileExists(atPath: out + "/" + link), "index.html links to missing \(link)")
    }
    // SVGs are well-formed XML.
    for svg in links where svg.hasSuffix(".svg") {
      let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: out + "/" + svg)))
      #expect(parser.parse(), "\(svg) is not well-formed XML")
    }
    // Handwriting writes the demo's own line, in the corpus's hand and primed with a line of each font.
    for (i, font) in ["cursive", "scripts", "scriptc"].enumerated() {
      let svg = try String(contentsOfFile: out + "/handwriting-\(font).svg", encoding: .utf8)
      #expect(svg.contains("text=\"To be, or not to be\""), "\(font)")
      #expect(svg.contains("hershey-lines/line-000\(i + 1).inkml\""), "\(font): not primed with its line")
    }
    #expect(html.contains("seqgen hershey --text-file"), "the page does not say how the lines were made")
    // Audio opens with libsndfile and is not empty.
    for clip in links where clip.hasSuffix(".wav") {
      let audio = try SoundFile.read(URL(fileURLWithPath: out + "/" + clip))
      #expect(audio.samples.count > audio.sampleRate / 2, "\(clip) is shorter than half a second")
    }
    // The MIDI file reads back with SeqGen's own reader (through `seqgen eval`).
    let eval = try CLI.run(["eval", out + "/runs/notes", "--data", out + "/notes.mid"])
    #expect(eval.succeeded && eval.stdout.contains("bits/event"), "\(eval)")
    // The page loads in a real browser engine: headless Chromium's DOM has every section.
    let chromium = try #require(
      ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
      "chromium is not installed (scripts/install-deps.sh installs it)")
    let browser = Process()
    browser.executableURL = URL(fileURLWithPath: chromium)
    browser.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
      URL(fileURLWithPath: out + "/index.html").absoluteString,
    ]
    let dom = Pipe()
    browser.standardOutput = dom
    browser.standardError = FileHandle.nullDevice
    browser.standardInput = FileHandle.nullDevice
    try browser.run()
    let rendered = String(decoding: dom.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    browser.waitUntilExit()
    #expect(browser.terminationStatus == 0)
    for section in ["text", "handwriting", "notes", "audio"] {
      #expect(rendered.contains("id=\"\(section)\""), "Chromium's DOM lacks the \(section) section")
    }

    // Running it again reuses the trained runs.
    let again = try CLI.run(
      ["demo", "--quick", "--out", out, "--fixtures", Self.fixtures, "--domains", "text"], timeout: 300)
    #expect(again.succeeded && again.stdout.contains("reusing"), "\(again)")
  }
}
