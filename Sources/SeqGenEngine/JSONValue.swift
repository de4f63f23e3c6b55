import Foundation

/// Any JSON value: lets the manifest carry a domain's codec before the domain is known.
public enum JSONValue: Codable, Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let n = try? c.decode(Double.self) {
      self = .number(n)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .number(let n): try c.encode(n)
    case .string(let s): try c.encode(s)
    case .array(let a): try c.encode(a)
    case .object(let o): try c.encode(o)
    }
  }
}

extension JSONValue {
  /// `value` as JSON.
  public static func encoding(_ value: some Encodable) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
  }

  /// `self` with `other`'s fields laid over it, objects merged field by field at every depth.
  func overlaid(with other: JSONValue) -> JSONValue {
    guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
    for (key, value) in theirs { mine[key] = mine[key].map { $0.overlaid(with: value) } ?? value }
    return .object(mine)
  }
}

/// A value that decodes from JSON in which any field may be left out, `Self()` giving the rest
/// (options a user or a client spells partly): the one decode-with-defaults of every options
/// type, instead of a hand-written `init(from:)` each.
public protocol DecodableWithDefaults: Codable {
  init()
}

extension DecodableWithDefaults {
  /// Decodes `data`, JSON whose fields, at any depth, may be left out.
  public static func decode(withDefaults data: Data) throws -> Self {
    let given = try JSONDecoder().decode(JSONValue.self, from: data)
    guard case .object = given else { return try JSONDecoder().decode(Self.self, from: data) }
    return try JSONDecoder().decode(
      Self.self, from: JSONEncoder().encode(try JSONValue.encoding(Self()).overlaid(with: given)))
  }
}
