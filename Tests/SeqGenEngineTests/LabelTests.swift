import Foundation
import Testing

@testable import SeqGenEngine

/// Per-sequence labels: the one-hot control rows a labelled model reads beside every input,
/// their gradients, and where labels come from.
@Suite struct LabelTests {
  enum Form: String, CaseIterable { case oneHot, embedded, dense }

  /// A labelled 2-layer model that also reads two domain control values per step, for each
  /// input form: central differences against the analytic gradients of every parameter (the
  /// label and control columns of `weight_ih_l0` among them) and, for dense input, of the joined
  /// input rows (the step's values, its label's and its controls).
  @Test(arguments: Form.allCases)
  func labelledModelGradients(form: Form) {
    let classes = 5
    let hidden = 4
    let labels = ["bach", "blues", "folk"]
    let config = ModelConfig(
      input: form == .dense ? .dense(width: 3) : .categorical(classes: classes), hiddenSize: hidden, numLayers: 2,
      dropout: 0, outputSize: classes, embedding: form == .embedded ? EmbeddingConfig(size: 3) : nil, labels: labels,
      controls: 2)
    #expect(config.inputSize == 3 + (form == .oneHot ? 2 : 0) + 3 + 2)
    let model = Model(config: config, head: CategoricalHead(classes: classes), maxSteps: 3, batch: 2)
    var rng = SeededGenerator(seed: 5)
    model.initialize(rng: &rng)
    for i in 0..<model.params.count { model.params.values[i] *= 3 }
    let chunk = Chunk<Int>(for: config, capacity: 6)
    chunk.setShape(steps: 3, batch: 2)
    let inputs = [0, 3, 2, 4, 1, 3]
    let rowLabels = [0, 2, 0, 2, 0, -1]
    for r in 0..<6 {
      chunk.indices[r] = Int32(inputs[r])
      chunk.setLabel(row: r, rowLabels[r])
      let values = [rng.nextFloat() * 2 - 1, rng.nextFloat()]
      values.withUnsafeBufferPointer { chunk.setDomainControls(row: r, $0.baseAddress!) }
      chunk.targets[r] = [3, 2, 1, nil, 4, 0][r]
      chunk.resets[r] = r == 3
    }
    for i in 0..<chunk.dense.count { chunk.dense[i] = rng.nextFloat() * 2 - 1 }
    #expect(Array(UnsafeBufferPointer(start: chunk.controlRows, count: 8))[..<3] == [1, 0, 0])
    #expect(Array(UnsafeBufferPointer(start: chunk.controlRows! + 5, count: 3)) == [0, 0, 1])
    func loss(gradient: Bool) -> Double {
      let state = RecurrentState(numLayers: 2, batch: 2, hiddenSize: hidden)
      model.forward(
        chunk.input, controls: chunk.controlRows, steps: 3, batch: 2, state: state, resets: chunk.resets, rng: &rng)
      return chunk.targets.withUnsafeBufferPointer {
        model.loss(targets: UnsafeBufferPointer(rebasing: $0[0..<6]), gradient: gradient)
      }
    }
    _ = loss(gradient: true)
    model.params.zeroGradients()
    model.backward(steps: 3, batch: 2, resets: chunk.resets, inputGradient: form == .dense)
    var checks = [(model.params.values, model.params.gradients.array)]
    if form == .dense {
      // The joined rows are (values, label one-hot); the test perturbs the chunk's values and
      // its control rows, which the model copies in on every forward.
      let width = config.inputSize
      let dJoined = Array(UnsafeBufferPointer(start: model.lstm.dInput, count: 6 * width))
      checks.append((chunk.dense, (0..<6).flatMap { dJoined[($0 * width)..<($0 * width + 3)] }))
      checks.append((chunk.controls, (0..<6).flatMap { dJoined[($0 * width + 3)..<($0 * width + width)] }))
    }
    let worst = worstGradientError(checks, floor: 1e-2) { loss(gradient: false) }
    #expect(worst < 1e-2, "worst relative error \(worst)")
    // "blues" is never read: its column of weight_ih_l0 receives no gradient.
    let w = model.params.entry("lstm.weight_ih_l0")
    let g = model.params.gradients.array
    for row in 0..<(4 * hidden) { #expect(g[w.offset + row * config.inputSize + config.inputSize - 4] == 0) }
  }

  /// The label reaches the output: the same input under two labels gives two predictions, and
  /// a row of no label reads zeros.
  @Test func theLabelChangesThePrediction() {
    let config = ModelConfig(
      input: .categorical(classes: 4), hiddenSize: 6, numLayers: 1, dropout: 0, outputSize: 4, labels: ["a", "b"])
    let model = Model(config: config, head: CategoricalHead(classes: 4), maxSteps: 1, batch: 3)
    var rng = SeededGenerator(seed: 2)
    model.initialize(rng: &rng)
    let chunk = Chunk<Int>(for: config, capacity: 3)
    chunk.setShape(steps: 1, batch: 3)
    for (r, label) in [0, 1, -1].enumerated() {
      chunk.indices[r] = 2
      chunk.setLabel(row: r, label)
    }
    let out = model.forward(
      chunk.input, controls: chunk.controlRows, steps: 1, batch: 3,
      state: RecurrentState(numLayers: 1, batch: 3, hiddenSize: 6), resets: chunk.resets, rng: &rng)
    let rows = (0..<3).map { Array(UnsafeBufferPointer(start: out + $0 * 4, count: 4)) }
    #expect(rows[0] != rows[1] && rows[0] != rows[2] && rows[1] != rows[2])
  }

  private func folder(_ files: [String: String]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString)")
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
  }

  private func sequences(_ root: URL, _ paths: [String]) -> [SourceSequence<Int>] {
    paths.map { SourceSequence(source: root.appendingPathComponent($0).path, steps: [1, 2]) }
  }

  @Test func labelsFromFoldersAndTables() throws {
    let root = try folder([
      "bach/a.mid": "", "bach/b.mid": "", "blues/c.mid": "",
      "labels.tsv": "# file, label\nbach/a.mid\tbaroque\nbach/b.mid\tbaroque \n\nblues/c.mid\tblues\n",
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    let files = sequences(root, ["bach/a.mid", "bach/b.mid", "blues/c.mid"])
    #expect(try LabelSource.folder.labelled(files).map(\.label) == ["bach", "bach", "blues"])
    let table = root.appendingPathComponent("labels.tsv").path
    #expect(try LabelSource.table(table).labelled(files).map(\.label) == ["baroque", "baroque", "blues"])
    let encoded = try JSONEncoder().encode([LabelSource.folder, .table(table)])
    #expect(try JSONDecoder().decode([LabelSource].self, from: encoded) == [.folder, .table(table)])
  }

  @Test func labelProblemsAreNamed() throws {
    let root = try folder([
      "one/a.txt": "", "one/b.txt": "", "partial.tsv": "one/a.txt\tx\n", "bad.tsv": "one/a.txt x\n", "empty.tsv": "#\n",
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    let files = sequences(root, ["one/a.txt", "one/b.txt"])
    func problem(_ source: LabelSource) -> String? {
      do {
        _ = try source.labelled(files)
        return nil
      } catch { return error.description }
    }
    #expect(problem(.folder)?.contains("every file is in one folder (one)") == true)
    #expect(problem(.table(root.appendingPathComponent("partial.tsv").path))?.contains("has no label for") == true)
    #expect(problem(.table(root.appendingPathComponent("bad.tsv").path))?.contains("line 1 is not") == true)
    #expect(problem(.table(root.appendingPathComponent("empty.tsv").path))?.contains("lists no file") == true)
    #expect(problem(.table(root.appendingPathComponent("missing.tsv").path))?.contains("cannot read") == true)
  }
}

/// Parity with PyTorch for a labelled model (the label's one-hot joined to one-hot and to
/// embedded inputs, a reset inside the chunk) through the golden file written by
/// scripts/make_label_golden.py (the test needs no torch).
@Suite struct LabelParityTests {
  typealias Tensor = TorchParityTests.Tensor

  struct Config: Decodable {
    var vocabSize, labels, hiddenSize, numLayers, seqLength, batchSize: Int
    var embeddingSize: Int?
  }

  struct Block: Decodable {
    var config: Config
    var inputs, labels, targets: [[Int]]
    var resets: [[Bool]]
    var weights: [String: Tensor]
    var logits: Tensor
    var loss: Double
    var gradients: [String: Tensor]
  }

  static let golden: [String: Block] = {
    let url = repositoryRoot.appendingPathComponent("fixtures/reference/label_golden.json")
    return try! JSONDecoder().decode([String: Block].self, from: Data(contentsOf: url))
  }()

  @Test(arguments: ["oneHot", "embedded"])
  func forwardAndGradients(block: String) throws {
    let g = try #require(Self.golden[block])
    let c = g.config
    let config = ModelConfig(
      input: .categorical(classes: c.vocabSize), hiddenSize: c.hiddenSize, numLayers: c.numLayers, dropout: 0,
      outputSize: c.vocabSize, embedding: c.embeddingSize.map { EmbeddingConfig(size: $0) },
      labels: (0..<c.labels).map { "label \($0)" })
    let model = Model(
      config: config, head: CategoricalHead(classes: c.vocabSize), maxSteps: c.seqLength, batch: c.batchSize)
    let chunk = Chunk<Int>(for: config, capacity: c.seqLength * c.batchSize)
    chunk.setShape(steps: c.seqLength, batch: c.batchSize)
    for t in 0..<c.seqLength {
      for b in 0..<c.batchSize {
        let r = t * c.batchSize + b
        chunk.indices[r] = Int32(g.inputs[t][b])
        chunk.setLabel(row: r, g.labels[t][b])
        chunk.targets[r] = g.targets[t][b]
        chunk.resets[r] = g.resets[t][b]
      }
    }
    TorchParityTests.expectParity(
      model, chunk: chunk, weights: g.weights, logits: g.logits, loss: g.loss, gradients: g.gradients)
  }
}
