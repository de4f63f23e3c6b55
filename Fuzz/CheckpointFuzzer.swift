// libFuzzer target: the checkpoint loader (safetensors header and data, then the manifest JSON
// embedded in its metadata). Built by scripts/fuzz.sh with -sanitize=fuzzer,address.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func checkpointFuzzer(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let data = Data(bytes: bytes, count: size)
  if let (_, metadata) = try? Safetensors.decode(data, path: "fuzz.safetensors"), let text = metadata["seqgen.manifest"]
  {
    _ = try? Manifest.decode(Data(text.utf8), path: "fuzz.safetensors")
  }
  _ = try? Manifest.decode(data, path: "fuzz.json")
  return 0
}
