import Foundation
import Testing

@testable import SeqGenEngine

@Suite struct SafetensorsTests {
  let tensors: [(name: String, tensor: Safetensors.Tensor)] = [
    ("lstm.weight_ih_l0", .init(shape: [2, 3], values: [1, -2, 3.5, 0, .leastNonzeroMagnitude, -0])),
    ("decoder.bias", .init(shape: [2], values: [0.25, -1e30])),
    ("scalar", .init(shape: [], values: [7])),
  ]

  @Test func roundTripIsExact() throws {
    let data = Safetensors.encode(tensors, metadata: ["format": "pt", "note": "quote \" and \\ and\nnewline"])
    let (decoded, metadata) = try Safetensors.decode(data, path: "x")
    #expect(metadata["note"] == "quote \" and \\ and\nnewline")
    for (name, t) in tensors {
      #expect(decoded[name]?.shape == t.shape)
      #expect(decoded[name]?.values.map(\.bitPattern) == t.values.map(\.bitPattern))
    }
    // The header is padded to a multiple of 8 bytes, as the format recommends.
    let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(headerLength % 8 == 0)
  }

  /// Every corruption is a typed error naming the file; none allocates by the header's word.
  @Test func corruptFilesAreRejected() throws {
    let good = Safetensors.encode(tensors, metadata: [:])
    func header(_ json: String, payload: Int = 8) -> Data {
      var d = Data()
      withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { d.append(contentsOf: $0) }
      d.append(contentsOf: Array(json.utf8))
      d.append(Data(count: payload))
      return d
    }
    var hugeLength = Data()
    withUnsafeBytes(of: UInt64(1 << 60).littleEndian) { hugeLength.append(contentsOf: $0) }
    hugeLength.append(contentsOf: Array("{}".utf8))
    let cases: [(String, Data)] = [
      ("empty", Data()),
      ("truncated", good.prefix(good.count / 2)),
      ("huge header length", hugeLength),
      ("not json", header("not json")),
      ("bad dtype", header(#"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#)),
      ("offsets past end", header(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#)),
      ("shape mismatch", header(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#)),
      ("absurd shape", header(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}}"#)),
      ("negative dim", header(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#)),
      ("bad metadata", header(#"{"__metadata__":{"a":1}}"#)),
    ]
    for (what, data) in cases {
      #expect(throws: EngineError.self, "\(what)") { try Safetensors.decode(data, path: "/runs/x/model.safetensors") }
      do {
        _ = try Safetensors.decode(data, path: "/runs/x/model.safetensors")
      } catch {
        #expect(error.description.hasPrefix("/runs/x/model.safetensors: "), "\(what): \(error)")
        #expect(!error.description.contains("\n"))
      }
    }
  }
}

@Suite struct ManifestTests {
  @Test func newerFormatIsRefusedClearly() {
    let data = Data(#"{"formatVersion": 99}"#.utf8)
    #expect(throws: EngineError.self) { try Manifest.decode(data, path: "m.json") }
    do { _ = try Manifest.decode(data, path: "m.json") } catch {
      #expect(error.description.contains("newer"))
    }
    #expect(throws: EngineError.self) { try Manifest.decode(Data("[]".utf8), path: "m.json") }
    #expect(throws: EngineError.self) { try Manifest.decode(Data(#"{"formatVersion": 1}"#.utf8), path: "m.json") }
  }

  /// A manifest whose model cannot be built (an input table on dense rows, a table of width 0)
  /// is a bad checkpoint, not a crash when the model is made.
  @Test(arguments: [(InputKind.dense(width: 3), 4), (.categorical(classes: 5), 0)])
  func anImpossibleModelIsRefused(input: InputKind, size: Int) throws {
    let manifest = Manifest(
      formatVersion: Manifest.currentFormatVersion, seqgenVersion: Manifest.seqgenVersion, domain: "text",
      codec: .object([:]),
      model: ModelConfig(
        input: input, hiddenSize: 4, numLayers: 1, dropout: 0, outputSize: 5, embedding: EmbeddingConfig(size: size)),
      training: TrainingOptions(),
      data: .init(paths: [], trainSteps: 1, validationSteps: 0, fingerprint: ""),
      progress: .init(
        step: 0, totalSteps: 1, adamSteps: 0, cursor: 0, epoch: 0, rng: [], trainLoss: nil, validationLoss: nil,
        bestValidationLoss: nil, bestStep: nil, elapsedSeconds: 0))
    #expect(throws: EngineError.self) { try Manifest.decode(manifest.encoded(), path: "m.json") }
    do { _ = try Manifest.decode(manifest.encoded(), path: "m.json") } catch {
      #expect(error.description.hasPrefix("m.json: ") && error.description.contains("model: `embeddingSize`"))
    }
  }

  @Test func missingRunIsNotARun() {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(throws: EngineError.notARun(path: dir.path)) { try RunDirectory(dir).checkpoint() }
  }

  /// A trainer killed between its first checkpoint's rename and the manifest's leaves a run
  /// whose manifest is read from the checkpoint.
  @Test func aRunWithoutManifestJSONReadsTheCheckpointsCopy() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try TrainerTests().trainer(dir, steps: 3).run()
    let run = RunDirectory(dir)
    let written = try run.manifest()
    try FileManager.default.removeItem(at: run.manifestURL)
    #expect(run.exists)
    #expect(try run.manifest() == written)
    #expect(try run.checkpoint().manifest.progress.step == 3)
  }
}
