import Foundation
import SeqGenCLI
import SeqGenEngine
import SeqGenKit

/// The demo's gallery: one static HTML page, no scripts, no network, linking only files the
/// demo wrote beside it.
enum DemoPage {
  static func html(_ results: [DemoCommand.Result], quick: Bool, runsFolder: String, folder: URL) -> String {
    var body = ""
    for r in results {
      let m = r.manifest
      let bits =
        m.progress.bestValidationLoss.map { String(format: "%.3f bits per %@", $0 / M_LN2, unit(m.domain)) } ?? "–"
      body += "<section id=\"\(r.spec.domain)\">\n<h2>\(escape(r.spec.recipe.title))</h2>\n"
      body +=
        "<p class=\"facts\">\(m.model.numLayers)×\(m.model.hiddenSize) LSTM · \(m.model.parameterCount.formatted()) parameters · "
      body +=
        "\(m.progress.step) steps in \(formatDuration(m.progress.elapsedSeconds)) · best validation loss \(bits)</p>\n"
      body += "<div class=\"result\">\n"
      for file in r.spec.recipe.generate.flatMap(\.files) {
        body += artefact(file, folder: folder)
      }
      body +=
        "</div>\n<figure><img src=\"\(runsFolder)/\(r.spec.domain)/loss.svg\" alt=\"loss curve\"><figcaption>training and validation loss</figcaption></figure>\n"
      body += "<p>Reproduce:</p>\n" + r.commands.map { "<pre class=\"cmd\">\(escape($0))</pre>\n" }.joined()
      body += "</section>\n"
    }
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>SeqGen demo</title>
      <style>
      body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
      section { border-top: 1px solid #ccc; padding: 1em 0; }
      pre { background: #f6f6f6; padding: .8em; white-space: pre-wrap; }
      pre.cmd { font-size: 90%; }
      img { max-width: 100%; border: 1px solid #eee; background: white; }
      .facts { color: #555; }
      figure { margin: 1em 0; }
      </style></head>
      <body>
      <h1>SeqGen demo</h1>
      <p>One LSTM engine, four kinds of sequences, trained on the bundled fixtures\(quick ? " (quick mode: tiny budgets, expect noise)" : ""). Losses are bits per step.</p>
      \(body)
      </body></html>

      """
  }

  static func artefact(_ file: String, folder: URL) -> String {
    switch (file as NSString).pathExtension.lowercased() {
    case "txt":
      let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
      return "<pre>\(escape(text))</pre>\n"
    case "svg": return "<figure><img src=\"\(file)\" alt=\"\(file)\"><figcaption>\(file)</figcaption></figure>\n"
    case "wav", "flac", "ogg":
      return "<p><audio controls src=\"\(file)\"></audio> <a href=\"\(file)\">\(file)</a></p>\n"
    default: return "<p><a href=\"\(file)\">\(file)</a></p>\n"
    }
  }

  static func unit(_ domain: String) -> String {
    CommandCatalog.current.domains.stepUnit(of: domain)
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;"
    )
    .replacingOccurrences(of: "\"", with: "&quot;")
  }
}
