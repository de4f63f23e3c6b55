import Foundation
import SeqGenEngine

/// A test-only domain: whitespace-separated integers in 0..<1000, one file one sequence. It
/// exists to prove that a domain plugs in with its own folder and one catalog line.
struct IntegerDomain: SequenceDomain {
  typealias Step = Int
  typealias Head = CategoricalHead

  static let name = "integers"
  static let stepUnit = "integer"
  static let maxValue = 999

  /// A recipe of its own, which the kit's `Training.run` takes where no flag is given.
  var trainingDefaults: TrainingOptions {
    var o = TrainingOptions()
    o.learningRate = 1e-2
    return o
  }

  func read(_ urls: [URL]) throws -> [SourceSequence<Int>] {
    try urls.map { url in
      guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        throw EngineError.badData(path: url.path, reason: "no such file or not UTF-8")
      }
      let values = try text.split(whereSeparator: \.isWhitespace).enumerated().map { n, token in
        guard let v = Int(token), (0...Self.maxValue).contains(v) else {
          throw EngineError.badData(
            path: url.path, reason: "token \(n + 1) '\(token.prefix(20))' is not an integer in 0...\(Self.maxValue)")
        }
        return v
      }
      guard values.count >= 2 else { throw EngineError.badData(path: url.path, reason: "fewer than two integers") }
      return SourceSequence(source: url.path, steps: values)
    }
  }

  /// The largest value seen, plus one: the classes of the softmax.
  func makeCodec(for corpus: [SourceSequence<Int>]) throws -> Int { (corpus.flatMap(\.steps).max() ?? 0) + 1 }

  func inputKind(_ classes: Int) -> InputKind { .categorical(classes: classes) }

  func input(_ step: Int, codec classes: Int) throws -> StepInput {
    guard step >= 0, step < classes else {
      throw EngineError.invalidArgument("\(step) is outside the model's 0..<\(classes)")
    }
    return .index(step)
  }

  func target(_ step: Int, codec: Int) throws -> Int { step }

  func makeHead(_ classes: Int) -> CategoricalHead { CategoricalHead(classes: classes) }

  func step(from sample: Int, codec: Int) -> Int { sample }

  /// The prime's integers, or 0.
  func prime(_ request: PrimeRequest, codec classes: Int) throws -> [Int] {
    let values = (request.text ?? "").split(separator: " ").compactMap { Int($0) }
    guard !values.isEmpty else { return [0] }
    if let bad = values.first(where: { $0 < 0 || $0 >= classes }) {
      throw EngineError.invalidArgument("prime \(bad) is outside 0..<\(classes)")
    }
    return values
  }

  func write(_ samples: [[Int]], codec: Int, to url: URL) throws {
    try AtomicFile.write(Data(samples.map { $0.map(String.init).joined(separator: " ") + "\n" }.joined().utf8), to: url)
  }

  func streamed(_ step: Int, codec: Int) -> String? { "\(step) " }
}
