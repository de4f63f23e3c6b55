// libFuzzer target: the playground's request decoding (bytes → JSON → checked request, options
// and prime). Built by scripts/fuzz.sh. Any input must give a request or a PlaygroundError.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func playgroundFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  do {
    let decoded = try PlaygroundRequest(
      body: Data(bytes: bytes, count: size), options: ["length", "skipUnknown", "seconds"], maxCount: 8)
    try? decoded.request.validate()
    _ = try? PlainGenerationOptions.decode(withDefaults: decoded.options)
  } catch {
    _ = error.description
  }
  return 0
}
