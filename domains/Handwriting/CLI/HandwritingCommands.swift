import ArgumentParser
import HandwritingDomain
import SeqGenCLI

/// The handwriting domain on the command line.
public enum HandwritingCommands: DomainCommands {
  public static let domain = HandwritingDomain()
  public static let train: any ParsableCommand.Type = TrainHandwriting.self
  public static let generate: any ParsableCommand.Type = GenerateHandwriting.self
  public static let tools: [any ParsableCommand.Type] = [HersheyCommand.self]
  public static let demo: DemoRecipe? = DemoRecipe(
    title: "Handwriting — Hershey cursive lines", data: ["handwriting/hershey-lines"],
    train: ["--hidden-size", "128", "--num-layers", "2", "--seq-length", "100", "--batch-size", "16"],
    steps: (1200, 30),
    generate: [0, 1].map { bias in
      let file = "handwriting-bias\(bias).svg"
      return (
        [
          "--strokes", "40", "--bias", "\(bias)", "--count", "3", "--seed", "2", "--out",
          file,
        ], [file]
      )
    })
}
