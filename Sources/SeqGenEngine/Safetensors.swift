import Foundation

/// Reads and writes the safetensors format (a little-endian u64 header length, a JSON header
/// mapping names to dtype, shape and byte offsets, then the raw data), F32 only.
///
/// The reader trusts nothing in the file: the header length, every shape and every offset is
/// checked against the file's real size before anything is allocated or read.
public enum Safetensors {
  /// A named float tensor.
  public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
      self.shape = shape
      self.values = values
    }
  }

  /// The largest header we accept; real headers are a few kilobytes.
  static let maxHeaderBytes = 16 << 20

  /// Serialises tensors (in the given order) and string metadata.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> Data {
    var header = "{"
    if !metadata.isEmpty {
      let meta = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",")
      header += "\"__metadata__\":{\(meta)},"
    }
    var offset = 0
    var entries: [String] = []
    for (name, t) in tensors {
      precondition(t.values.count == t.shape.reduce(1, *), "\(name): shape and value count differ")
      let end = offset + t.values.count * 4
      entries.append(
        "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}"
      )
      offset = end
    }
    header += entries.joined(separator: ",") + "}"
    var headerBytes = Array(header.utf8)
    while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
    var data = Data(capacity: 8 + headerBytes.count + offset)
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: headerBytes)
    for (_, t) in tensors {
      for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    }
    return data
  }

  /// Parses a whole file's bytes. `path` only names the file in errors.
  public static func decode(_ data: Data, path: String) throws(EngineError) -> (
    tensors: [String: Tensor], metadata: [String: String]
  ) {
    func fail(_ reason: String) -> EngineError {
      .badCheckpoint(path: path, reason: "corrupt safetensors file: \(reason)")
    }
    guard data.count >= 8 else { throw fail("\(data.count) bytes, too short for a header") }
    let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * UInt64($1.offset))
    }
    guard headerLength <= UInt64(maxHeaderBytes), Int(headerLength) <= data.count - 8 else {
      throw fail("header claims \(headerLength) bytes but the file has \(data.count)")
    }
    let headerEnd = 8 + Int(headerLength)
    let headerData = data[data.startIndex + 8..<data.startIndex + headerEnd]
    guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
      throw fail("header is not a JSON object")
    }
    let payload = data.count - headerEnd
    var metadata: [String: String] = [:]
    var tensors: [String: Tensor] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        guard let meta = value as? [String: String] else { throw fail("__metadata__ is not a string map") }
        metadata = meta
        continue
      }
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
      else { throw fail("tensor \(name) has a malformed entry") }
      guard dtype == "F32" else { throw fail("tensor \(name) has dtype \(dtype); only F32 is supported") }
      var count = 1
      for d in shape {
        guard d >= 0 else { throw fail("tensor \(name) has a negative dimension") }
        let (product, overflow) = count.multipliedReportingOverflow(by: d)
        guard !overflow, product <= payload / 4 else {
          throw fail("tensor \(name) claims shape \(shape), larger than the file")
        }
        count = product
      }
      let (begin, end) = (offsets[0], offsets[1])
      guard begin >= 0, begin <= end, end <= payload, end - begin == count * 4 else {
        throw fail("tensor \(name) has offsets \(offsets) outside the data or not matching shape \(shape)")
      }
      var values = [Float](repeating: 0, count: count)
      let start = data.startIndex + headerEnd + begin
      _ = values.withUnsafeMutableBytes { dst in
        data.copyBytes(to: dst, from: start..<start + count * 4)
      }
      if UInt32(littleEndian: 1) != 1 {
        for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
      }
      tensors[name] = Tensor(shape: shape, values: values)
    }
    return (tensors, metadata)
  }

  private static func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
