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
    func bits(_ nats: Double?) -> String {
      nats.map { String(format: "%.4f nats = %.4f bits per step", $0, $0 / M_LN2) } ?? "–"
    }
    let input: String
    switch m.model.input {
    case .categorical(let n): input = "one-hot over \(n) classes"
    case .dense(let n): input = "dense, \(n) values"
    }
    Console.line(
      """
      run          \(dir.url.path)
      domain       \(m.domain) (manifest format \(m.formatVersion), seqgen \(m.seqgenVersion))
      model        \(m.model.numLayers)×\(m.model.hiddenSize) LSTM, input \(input), output \(m.model.outputSize), dropout \(m.model.dropout)
      parameters   \(m.model.parameterCount.formatted())
      data         \(m.data.paths.joined(separator: ", ")): \(m.data.trainSteps.formatted()) training / \(m.data.validationSteps.formatted()) validation steps
      training     batch \(o.batchSize)×\(o.seqLength), learning rate \(o.learningRate), clip \(o.gradClip), seed \(o.seed)
      progress     step \(p.step) of \(p.totalSteps), epoch \(String(format: "%.2f", p.epoch)), \(formatDuration(p.elapsedSeconds)) of training
      train loss   \(bits(p.trainLoss))
      val loss     \(bits(p.validationLoss))
      best         \(bits(p.bestValidationLoss))\(p.bestStep.map { " at step \($0)" } ?? "")
      """)
  }
}
