import ArgumentParser
import Foundation
import SeqGenCLI
import SeqGenEngine

struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Loss of a trained model on other data, in bits per step and the domain's own units.",
    discussion:
      "The state is carried through each file and zeroed between files. Example: seqgen eval runs/shakespeare --data more.txt"
  )

  @Argument(help: ArgumentHelp("A run directory written by seqgen train.", valueName: "run-dir")) var runDir: String
  @Option(
    name: .long, parsing: .upToNextOption, help: ArgumentHelp("Files or directories to evaluate on.", valueName: "path")
  )
  var data: [String]
  @Option(help: "Checkpoint to evaluate: best or latest.") var checkpoint: RunDirectory.Which = .best
  @Option(help: "Parallel streams (does not change the result beyond float rounding).") var batchSize = 32
  @Option(
    help:
      "For a run trained with labels: read every file under this label (`seqgen inspect RUN` lists them); comparing the loss under each label shows what the label carries. Default: no label."
  )
  var label: String?

  func validate() throws {
    guard !data.isEmpty else { throw ValidationError("--data is required") }
    guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be in 1...100000") }
  }

  func run() throws {
    let dir = RunDirectory(URL(fileURLWithPath: runDir))
    try evaluate(try CommandCatalog.current.domains.domain(of: dir), dir: dir)
  }

  private func evaluate<D: SequenceDomain>(_ domain: D, dir: RunDirectory) throws {
    let checkpoint = try dir.checkpoint(checkpoint)
    let generator = try Generator(domain: domain, checkpoint: checkpoint)
    _ = try generator.labelIndex(label)
    var sequences = try generator.domain.tokenized(
      generator.domain.read(data.map { URL(fileURLWithPath: $0) }), codec: generator.codec)
    for i in sequences.indices { sequences[i].label = label }
    let loss = try generator.evaluate(
      sequences, batchSize: batchSize, seqLength: checkpoint.manifest.training.seqLength)
    let unit = generator.domain.stepUnit(of: generator.codec)
    Console.line(
      String(
        format: "%@: %.4f nats/%@ = %.4f bits/%@%@ over %@ %@s (checkpoint %@, step %d)",
        data.joined(separator: ", "), loss.natsPerStep, unit, loss.bitsPerStep, unit,
        generator.domain.lossUnit(for: sequences, codec: generator.codec)?.spelled(bitsPerStep: loss.bitsPerStep) ?? "",
        loss.steps.formatted(), unit, checkpoint.url.lastPathComponent, checkpoint.manifest.progress.step))
    for line in generator.domain.evaluationReport(
      loss, sequences: sequences, codec: generator.codec, manifest: checkpoint.manifest)
    {
      Console.line(line)
    }
  }
}
