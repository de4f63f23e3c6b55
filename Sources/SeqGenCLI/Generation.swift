import Foundation
import SeqGenEngine

/// Runs a domain's generation pipeline and shows it on the terminal.
public enum Generation {
  /// Streams a single sample to stdout as it is drawn (prime first), or prints several as
  /// blocks after; reports go to stdout, notices to stderr.
  public static func run<D: SequenceDomain>(
    _ domain: D, run: RunDirectory, request: GenerationRequest, options: D.GenerationOptions
  ) throws {
    let live = request.out == nil && request.count == 1
    let output = try domain.generate(run: run, request: request, options: options) { event in
      switch event {
      case .primed(let text): if live { Console.write(text) }
      case .step(_, let text): if live { Console.write(text) }
      case .report(let line): Console.line(line)
      case .notice(let line): Console.warn(line)
      case .pen: break
      }
    }
    guard request.out == nil, let texts = output.texts else { return }
    if live {
      Console.line("")
    } else {
      for (n, text) in texts.enumerated() { Console.line("=== sample \(n + 1) of \(texts.count) ===\n\(text)") }
    }
  }
}
