import Foundation
import SeqGenEngine
import SeqGenTestSupport
import Testing

@testable import HandwritingDomain

@Suite struct HandwritingDomainTests {
  @Test func stepsAreOffsetsWithEndOfStroke() {
    let ink = Ink(strokes: [[SIMD2(10, 20), SIMD2(12, 21), SIMD2(15, 19)], [SIMD2(30, 20), SIMD2(29, 25)]])
    #expect(
      ink.steps == [
        PenStep(dx: 0, dy: 0, eos: false), PenStep(dx: 2, dy: 1, eos: false), PenStep(dx: 3, dy: -2, eos: true),
        PenStep(dx: 15, dy: 1, eos: false), PenStep(dx: -1, dy: 5, eos: true),
      ])
    // Back to strokes, from the first point's position.
    #expect(Ink(steps: ink.steps, origin: SIMD2(10, 20)) == ink)
  }

  /// A row Graves' rule ended loses the stroke it had begun after the last character's pen lift.
  @Test func aRowEndedByTheWindowStopsAtItsLastPenLift() {
    let row = [
      PenStep(dx: 1, dy: 0, eos: false), PenStep(dx: 1, dy: 1, eos: true), PenStep(dx: 20, dy: -4, eos: false),
      PenStep(dx: -1, dy: -1, eos: false),
    ]
    #expect(HandwritingDomain.endingAtLastLift(row) == Array(row[..<2]))
    #expect(HandwritingDomain.endingAtLastLift(Array(row[..<2])) == Array(row[..<2]))
    // No pen lift at all: nothing to cut back to, the row stays as drawn.
    #expect(HandwritingDomain.endingAtLastLift([row[0], row[2]]) == [row[0], row[2]])
  }

  @Test func codecNormalisesByTheStandardDeviation() throws {
    let steps = [PenStep.start, PenStep(dx: 1, dy: 10, eos: false), PenStep(dx: 3, dy: -10, eos: true)]
    let codec = try HandwritingDomain(components: 3).makeCodec(for: [SourceSequence(source: "s", steps: steps)])
    #expect(codec.scaleX == 1)  // dx ∈ {1, 3}: std 1 (the start step is not an offset)
    #expect(codec.scaleY == 10)
    #expect(codec.components == 3)
    #expect(try HandwritingDomain().input(steps[1], codec: codec) == .dense([1, 1, 0]))
    #expect(
      try HandwritingDomain().target(steps[2], codec: codec) == MixtureDensityHead.Point(dx: 3, dy: -1, eos: true))
    #expect(HandwritingDomain().makeHead(codec).outputSize == 19)
    #expect(abs(codec.natsPerPointToDataUnits - log(10)) < 1e-9)
  }

  @Test func maxOffsetClipsOutliersBeforeNormalising() throws {
    let steps = [
      PenStep.start, PenStep(dx: 1, dy: 1, eos: false), PenStep(dx: -1, dy: -1, eos: false),
      PenStep(dx: 100, dy: -100, eos: true),
    ]
    let codec = try HandwritingDomain(maxOffset: 1).makeCodec(for: [SourceSequence(source: "s", steps: steps)])
    #expect(abs(codec.scaleX - (8.0 / 9).squareRoot()) < 1e-6)
    #expect(try HandwritingDomain().target(steps[3], codec: codec).dx == 1 / codec.scaleX)
  }

  @Test func aCorpusWithoutOffsetsThrows() {
    let same = [PenStep.start, PenStep(dx: 1, dy: 1, eos: false), PenStep(dx: 1, dy: 1, eos: true)]
    #expect(throws: HandwritingError.constantOffsets("same.json")) {
      try HandwritingDomain().makeCodec(for: [SourceSequence(source: "same.json", steps: same)])
    }
    #expect(throws: HandwritingError.emptyCorpus("one.json")) {
      try HandwritingDomain().makeCodec(for: [SourceSequence(source: "one.json", steps: [.start])])
    }
  }

  @Test func codecJSONRoundTripsAndRejectsNonsense() throws {
    let codec = HandwritingCodec(scaleX: 2.5, scaleY: 3.25, maxOffset: 40, components: 20)
    #expect(try JSONDecoder().decode(HandwritingCodec.self, from: JSONEncoder().encode(codec)) == codec)
    for bad in [
      #"{"scaleX":0,"scaleY":1,"components":20}"#, #"{"scaleX":1,"scaleY":-1,"components":20}"#,
      #"{"scaleX":1,"scaleY":1,"components":0}"#, #"{"scaleX":1,"scaleY":1,"components":100000000}"#,
      #"{"scaleX":1,"scaleY":1,"components":2,"maxOffset":-3}"#, #"{"scaleX":1,"scaleY":1}"#,
    ] {
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(HandwritingCodec.self, from: Data(bad.utf8)) }
    }
  }

  @Test func primeComesFromAFileOfStrokes() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let codec = HandwritingCodec(scaleX: 1, scaleY: 1, maxOffset: nil, components: 2)
    #expect(try HandwritingDomain().prime(PrimeRequest(), codec: codec) == [.start])
    let file = try dir.file("p.json", "[[[5, 5], [6, 7]], [[9, 9], [9, 10]]]")
    let steps = try HandwritingDomain().prime(PrimeRequest(file: file), codec: codec)
    #expect(steps == Ink(strokes: [[SIMD2(5, 5), SIMD2(6, 7)], [SIMD2(9, 9), SIMD2(9, 10)]]).steps)
    #expect(throws: HandwritingError.self) { try HandwritingDomain().prime(PrimeRequest(text: "hello"), codec: codec) }
  }

  @Test func baselineIsTheFittedGaussian() throws {
    let sequences = try HandwritingDomain().read([
      fixtureLines.appendingPathComponent("line-0001.inkml"), fixtureLines.appendingPathComponent("line-0002.inkml"),
    ])
    let codec = try HandwritingDomain().makeCodec(for: sequences)
    let baseline = HandwritingBaseline(fitting: sequences, codec: codec)
    // Normalised by their own std, the offsets' fitted σ is 1.
    #expect(abs(baseline.row[4]) < 1e-5 && abs(baseline.row[5]) < 1e-5)
    let loss = baseline.evaluate(sequences, codec: codec)
    #expect(loss.steps == sequences.map { $0.steps.count - 1 }.reduce(0, +))
    // The maximum-likelihood fit beats any other single Gaussian, e.g. one shifted by half a σ.
    var shifted = baseline.row
    shifted[2] += 0.5
    let head = MixtureDensityHead(components: 1)
    let targets = sequences.flatMap { $0.steps.dropFirst().map { Optional(codec.normalised($0)) } }
    let rows = Array(repeating: shifted, count: targets.count).flatMap { $0 }
    let worse = targets.withUnsafeBufferPointer {
      head.loss(rows, targets: $0, scale: 1, dOutput: nil, parameters: .none)
    }
    #expect(loss.nats < worse)
    #expect(loss.natsPerStep > 0.5 && loss.natsPerStep < 5)
  }
}

@Suite struct HandwritingConformanceTests {
  @Test func passesTheSharedDomainChecks() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let oddTrace = try dir.file("odd.inkml", inkML(["1 2, 3 4, 5"]))
    let notXML = try dir.file("broken.inkml", "<ink><trace>1 2, 3 4</ink>")
    let missing = dir.url.appendingPathComponent("missing.inkml")
    let corpus = (1...4).map { fixtureLines.appendingPathComponent(String(format: "line-%04d.inkml", $0)) }
    try DomainConformance.check(
      HandwritingDomain(components: 3), corpus: corpus, badFiles: [oddTrace, notXML, missing])
  }
}

/// The generation pipeline is library API: what `seqgen generate` calls, and an HTTP front end
/// will call with the same request and options decoded from JSON.
@Suite struct HandwritingGenerationTests {
  @Test func thePipelineWritesTheDrawingAndReportsItsFigures() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let files = (1...3).map { fixtureLines.appendingPathComponent(String(format: "line-%04d.inkml", $0)) }
    let domain = HandwritingDomain(components: 3)
    let run = RunDirectory(dir.at("run"))
    let trainer = try Trainer(
      domain: domain, sequences: try domain.read(files), dataPaths: files.map(\.path), options: .tiny(steps: 2),
      run: run,
      resume: false)
    try trainer.run()
    // Options and request as a front end would decode them.
    let options = try HandwritingGenerationOptions.decode(withDefaults: Data(#"{"strokes": 2}"#.utf8))
    var request = GenerationRequest(seed: 5, count: 2, out: dir.path("s.svg"))
    request.controls.bias = 1
    var notices: [String] = []
    let output = try domain.generate(run: run, request: request, options: options) { event in
      if case .notice(let line) = event { notices.append(line) }
    }
    #expect(output.files == [dir.at("s.svg")])
    #expect(try String(contentsOf: dir.at("s.svg"), encoding: .utf8).contains("bias=\"1.0\""))
    #expect((output.figures["penLifts"] ?? 0) >= 4, "\(output.figures)")
    #expect(notices.count == 1 && notices[0].contains("2 samples"))
    // The same request refuses what the head does not read, naming the control.
    request.controls.topK = 3
    #expect(
      throws: EngineError.invalidOption(
        name: "topK", reason: "is not read by this model's output head (MixtureDensityHead)")
    ) {
      try domain.generate(run: run, request: request, options: options) { _ in }
    }
  }
}
