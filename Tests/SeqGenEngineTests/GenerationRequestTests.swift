import Foundation
import SeqGenEngine
import Testing

/// The shared generation settings as a front end's JSON carries them: every field optional,
/// defaults as on the command line, and the ranges checked before anything runs.
@Suite struct GenerationRequestTests {
  func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
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
    #expect(throws: EngineError.invalidOption(name: "temperature", reason: "must be a positive number, got -1.0")) {
      try GenerationRequest(controls: SamplingControls(temperature: -1)).validate()
    }
    #expect(throws: EngineError.self) { try GenerationRequest(prime: "a", primeFile: "b").validate() }
    #expect(throws: EngineError.self) { try PlainGenerationOptions(length: 0).validate() }
    #expect(throws: DecodingError.self) { try decode(GenerationRequest.self, #"{"count": "many"}"#) }
  }
}
