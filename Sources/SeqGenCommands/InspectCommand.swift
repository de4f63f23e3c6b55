import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine
import SeqGenKit

struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Describe a run: domain, sizes, parameters, progress and losses."
  )

  @Argument(help: ArgumentHelp("A run directory written by seqgen train.", valueName: "run-dir")) var runDir: String

  func run() throws {
    let dir = RunDirectory(URL(fileURLWithPath: runDir))
    let m = try dir.checkpoint(.latest).manifest
    let o = m.training
    let p = m.progress
    let (unit, codec) = try describe(
      try CommandCatalog.current.domains.domain(of: dir), manifest: m, path: dir.url.path)
    func bits(_ nats: Double?) -> String {
      nats.map { String(format: "%.4f nats = %.4f bits per %@", $0, $0 / M_LN2, unit) } ?? "–"
    }
    let input: String
    switch (m.model.input, m.model.embedding) {
    case (.categorical(let n), let table?):
      input = "a table of \(table.size) over \(n) classes\(table.tied ? " (the decoder's weight too)" : "")"
    case (.categorical(let n), nil): input = "one-hot over \(n) classes"
    case (.dense(let n), _): input = "dense, \(n) values"
    }
    Console.line(
      """
      run          \(dir.url.path)
      domain       \(m.domain) (manifest format \(m.formatVersion), seqgen \(m.seqgenVersion))
      model        \(m.model.numLayers)×\(m.model.hiddenSize) LSTM, input \(input), output \(m.model.outputSize), dropout \(m.model.dropout)
      parameters   \(m.model.parameterCount.formatted())\(m.model.labels.map { "\nlabels       " + $0.joined(separator: ", ") } ?? "")
      data         \(m.data.paths.joined(separator: ", ")): \(m.data.trainSteps.formatted()) training / \(m.data.validationSteps.formatted()) validation \(unit)s\(codec.map { "\ncodec        " + $0 } ?? "")
      training     batch \(o.batchSize)×\(o.seqLength), learning rate \(o.learningRate), clip \(o.gradClip), seed \(o.seed)
      progress     step \(p.step) of \(p.totalSteps), epoch \(String(format: "%.2f", p.epoch)), \(formatDuration(p.elapsedSeconds)) of training
      train loss   \(bits(p.trainLoss))
      val loss     \(bits(p.validationLoss))
      best         \(bits(p.bestValidationLoss))\(p.bestStep.map { " at step \($0)" } ?? "")
      """)
  }

  /// The run's step unit and its codec in a line, from its domain.
  private func describe<D: SequenceDomain>(_ domain: D, manifest: Manifest, path: String) throws -> (String, String?) {
    let codec = try manifest.codec(as: D.Codec.self, path: path)
    return (domain.stepUnit(of: codec), domain.summary(of: codec))
  }
}
