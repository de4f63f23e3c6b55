import ArgumentParser
import SeqGenCLI

/// The integer domain's command-line surface, built only from the shared kit.
enum IntegerCommands: DomainCommands {
  static let domain = IntegerDomain()
  static let train: any ParsableCommand.Type = TrainIntegers.self
  static let generate: any ParsableCommand.Type = GenerateIntegers.self
}

struct TrainIntegers: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "integers", abstract: "LSTM over whitespace-separated integers.")
  @OptionGroup var flags: TrainFlags<IntegerCommands>
  func run() throws { try Training.run(IntegerDomain(), flags: flags) }
}

struct GenerateIntegers: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "integers", abstract: "Integers from an integers run.")
  @OptionGroup var shared: GenerateFlags<IntegerCommands>
  @OptionGroup var cutoffs: CutoffFlags
  @OptionGroup var plain: PlainGenerateFlags
  func run() throws {
    try Generation.run(
      IntegerDomain(), run: shared.run, request: shared.request(cutoffs.controls), options: plain.options)
  }
}
