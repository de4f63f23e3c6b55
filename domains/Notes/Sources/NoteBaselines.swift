import Foundation
import SeqGenEngine

/// Two trivial event models measured on the same split as the LSTM — the floor any trained
/// model must beat: a unigram (event frequencies) and a bigram (next event given this one).
///
/// Both are fitted on the training part and scored on the validation part, predicting exactly
/// the steps the engine predicts (every step of a sequence but its first). The unigram is
/// add-one smoothed; the bigram backs off to the unigram with a Dirichlet prior of weight 1:
/// p(b | a) = (n(a, b) + p(b)) / (n(a) + 1).
public struct NoteBaselines: Sendable {
  /// Predicted validation events and the seconds of music they span.
  public var events: Int
  public var seconds: Double
  public var unigramBits: Double
  public var bigramBits: Double

  public var unigramBitsPerEvent: Double { unigramBits / Double(max(events, 1)) }
  public var bigramBitsPerEvent: Double { bigramBits / Double(max(events, 1)) }
  public var unigramBitsPerSecond: Double { unigramBits / max(seconds, 1e-9) }
  public var bigramBitsPerSecond: Double { bigramBits / max(seconds, 1e-9) }
  public var eventsPerSecond: Double { Double(events) / max(seconds, 1e-9) }

  /// Fits on `train` and scores `validation` (both as the engine's split gives them).
  public init(
    train: [SourceSequence<NoteEvent>], validation: [SourceSequence<NoteEvent>], encoding: PerformanceEncoding
  ) throws {
    let classes = encoding.classes
    var unigram = Array(repeating: 0.0, count: classes)
    var bigram = Array(repeating: 0.0, count: classes * classes)
    var context = Array(repeating: 0.0, count: classes)
    for s in train where s.steps.count >= 2 {
      let k = try s.steps.map { try encoding.index(of: $0) }
      for i in 1..<k.count {
        unigram[k[i]] += 1
        bigram[k[i - 1] * classes + k[i]] += 1
        context[k[i - 1]] += 1
      }
    }
    let total = unigram.reduce(0, +)
    let pUnigram = unigram.map { ($0 + 1) / (total + Double(classes)) }
    var events = 0
    var steps = 0
    var uni = 0.0
    var bi = 0.0
    for s in validation where s.steps.count >= 2 {
      let k = try s.steps.map { try encoding.index(of: $0) }
      for i in 1..<k.count {
        events += 1
        if case .timeShift(let n) = s.steps[i] { steps += n }
        uni -= log2(pUnigram[k[i]])
        bi -= log2((bigram[k[i - 1] * classes + k[i]] + pUnigram[k[i]]) / (context[k[i - 1]] + 1))
      }
    }
    self.events = events
    seconds = Double(steps) / Double(encoding.stepsPerSecond)
    unigramBits = uni
    bigramBits = bi
  }
}
