import Foundation
import SeqGenEngine
import Testing

/// The shared generation settings as a front end's JSON carries them: every field optional,
/// defaults as on the command line, and the ranges checked before anything runs.
@Suite struct GenerationRequestTests {
  func decode<T: DecodableWithDefaults>(_ type: T.Type, _ json: String) throws -> T {
    try T.decode(withDefaults: Data(json.utf8))
  }

  @Test func leftOutFieldsTakeTheirDefaults() throws {
    #expect(try decode(GenerationRequest.self, "{}") == GenerationRequest())
    #expect(try decode(PlainGenerationOptions.self, "{}") == PlainGenerationOptions())
    let request = try decode(GenerationRequest.self, #"{"seed": 7, "controls": {"topK": 5}, "checkpoint": "latest"}"#)
    #expect(
      request.seed == 7 && request.controls == SamplingControls(topK: 5) && request.checkpoint == .latest
        && request.count == 1)
    // A round trip through the encoder gives the same value.
    #expect(
      try decode(GenerationRequest.self, String(decoding: try JSONEncoder().encode(request), as: UTF8.self)) == request)
  }

  @Test func outOfRangeSettingsAreRefusedByName() throws {
    #expect(throws: EngineError.invalidOption(name: "count", reason: "must be in 1...4096, got 0")) {
      try GenerationRequest(count: 0).validate()
    }
    #expect(throws: EngineError.invalidOption(name: "temperature", reason: "must be above 0, got -1")) {
      try GenerationRequest(controls: SamplingControls(temperature: -1)).validate()
    }
    #expect(throws: EngineError.self) { try GenerationRequest(prime: "a", primeFile: "b").validate() }
    #expect(throws: EngineError.self) { try PlainGenerationOptions(length: 0).validate() }
    #expect(throws: DecodingError.self) { try decode(GenerationRequest.self, #"{"count": "many"}"#) }
    #expect(throws: DecodingError.self) { try decode(GenerationRequest.self, #"{"controls": {"topK": "five"}}"#) }
  }

  /// Each setting is described once, and its description is what refuses a value.
  @Test func everySettingIsDescribedOnceAndItsRangeIsTheCheck() throws {
    for settings in [SamplingControls.settings, GenerationRequest.settings, PlainGenerationOptions.settings] {
      let names = settings.map(\.name)
      #expect(Set(names).count == names.count, "\(names)")
      for s in settings {
        #expect(!s.label.isEmpty && !s.help.isEmpty && !s.help.contains("\n"), "\(s.name)")
      }
    }
    // The described fields are the encoded fields.
    let fields = try JSONValue.encoding(PlainGenerationOptions())
    guard case .object(let object) = fields else {
      Issue.record("not an object")
      return
    }
    #expect(Set(object.keys) == Set(PlainGenerationOptions.settings.map(\.name)))
    let topP = SamplingControls.setting("topP")
    #expect(topP.rangeText == "in (0, 1]")
    #expect(throws: EngineError.invalidOption(name: "topP", reason: "must be in (0, 1], got 0")) { try topP.check(0) }
    try topP.check(1)
    #expect(throws: EngineError.self) { try topP.check(.nan) }
    let gate = Setting("g", label: "G", help: "h", kind: .number, minimum: -120, maximum: 0, exclusiveMaximum: true)
    #expect(gate.rangeText == "in -120..<0")
    #expect(throws: EngineError.self) { try gate.check(0) }
    try gate.check(-120)
    // A NaN, which JSON cannot carry, is refused by the same description.
    #expect(throws: EngineError.self) { try SamplingControls(topP: .nan).validate() }
    #expect(throws: EngineError.self) { try SamplingControls(temperature: .infinity).validate() }
  }

  /// Options decode from JSON that leaves fields out at any depth: the defaults fill them in.
  @Test func decodingWithDefaultsMergesAtEveryDepth() throws {
    let request = try decode(GenerationRequest.self, #"{"controls": {"temperature": 0.5}}"#)
    #expect(request.controls.temperature == 0.5 && request.controls.argmax == false && request.seed == 1)
    #expect(throws: DecodingError.self) { try decode(PlainGenerationOptions.self, "[1, 2]") }
  }
}
