import Foundation

/// One setting a user gives, described once: its property name, a human label, one line of help,
/// its default and its valid range. The command line derives its flag and `--help` from it, the
/// playground's server its JSON field and form control (label, tooltip, basic or folded), and
/// the range check below is the only one, so every front end refuses the same values with the
/// same words, each naming the setting its own way (the name goes in backticks).
public struct Setting: Codable, Sendable, Equatable {
  /// What kind of value the setting takes, as a form control shows it.
  public enum Kind: String, Codable, Sendable {
    case number, integer, bool, text
    /// A file name: output files the generation writes, or input files a front end uploads.
    case file
  }

  /// The property name (`primeSeconds`), which front ends spell their own way.
  public var name: String
  /// A few words for a form label ("Prime seconds").
  public var label: String
  /// One line: what it does and when to change it.
  public var help: String
  public var kind: Kind
  /// The value used when the setting is left out; nil when the domain decides (say, "the
  /// corpus's own rate").
  public var defaultValue: JSONValue?
  /// Valid numbers, when bounded: `minimum...maximum`, each bound left out when exclusive.
  public var minimum: Double?
  public var maximum: Double?
  public var exclusiveMinimum: Bool
  public var exclusiveMaximum: Bool
  /// Whether a form folds it away with the rarely changed settings.
  public var advanced: Bool

  public init(
    _ name: String, label: String, help: String, kind: Kind, default defaultValue: JSONValue? = nil,
    minimum: Double? = nil, maximum: Double? = nil, exclusiveMinimum: Bool = false, exclusiveMaximum: Bool = false,
    advanced: Bool = false
  ) {
    self.name = name
    self.label = label
    self.help = help
    self.kind = kind
    self.defaultValue = defaultValue
    self.minimum = minimum
    self.maximum = maximum
    self.exclusiveMinimum = exclusiveMinimum
    self.exclusiveMaximum = exclusiveMaximum
    self.advanced = advanced
  }

  /// The valid range in words ("in 1...1000", "in (0, 3600]", "in -120..<0", "at least 1",
  /// "above 0"), or nil.
  public var rangeText: String? {
    switch (minimum, maximum) {
    case (let lo?, let hi?):
      switch (exclusiveMinimum, exclusiveMaximum) {
      case (false, false): return "in \(Self.show(lo))...\(Self.show(hi))"
      case (false, true): return "in \(Self.show(lo))..<\(Self.show(hi))"
      case (true, false): return "in (\(Self.show(lo)), \(Self.show(hi))]"
      case (true, true): return "in (\(Self.show(lo)), \(Self.show(hi)))"
      }
    case (let lo?, nil): return exclusiveMinimum ? "above \(Self.show(lo))" : "at least \(Self.show(lo))"
    case (nil, let hi?): return exclusiveMaximum ? "below \(Self.show(hi))" : "at most \(Self.show(hi))"
    case (nil, nil): return nil
    }
  }

  /// A whole number without its ".0".
  public static func show(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

  /// Throws naming the setting when `value` is outside the range (or not finite).
  public func check(_ value: Double) throws(EngineError) {
    let inside =
      value.isFinite && (minimum.map { exclusiveMinimum ? value > $0 : value >= $0 } ?? true)
      && (maximum.map { exclusiveMaximum ? value < $0 : value <= $0 } ?? true)
    guard !inside else { return }
    throw .invalidOption(name: name, reason: "must be \(rangeText ?? "a finite number"), got \(Self.show(value))")
  }
}

/// A value whose settings are each described once (`Setting`): a domain's generation options,
/// the sampling controls, the generation request.
public protocol DescribedSettings: Encodable {
  /// Every setting of the type, in the order a form shows them.
  static var settings: [Setting] { get }
}

extension DescribedSettings {
  /// The description of the setting `name` (a programmer's mistake if there is none).
  public static func setting(_ name: String) -> Setting {
    guard let found = settings.first(where: { $0.name == name }) else {
      preconditionFailure("\(Self.self) describes no setting \(name)")
    }
    return found
  }

  /// Checks every number this value holds against its setting's range (read off the stored
  /// properties themselves, so a NaN, which JSON cannot carry, is checked too).
  public func checkRanges() throws(EngineError) {
    for child in Mirror(reflecting: self).children {
      guard let name = child.label, let value = Self.number(child.value),
        let setting = Self.settings.first(where: { $0.name == name })
      else { continue }
      try setting.check(value)
    }
  }

  /// A stored number (or an optional one that is set) as a Double; nil for anything else.
  private static func number(_ value: Any) -> Double? {
    switch value {
    case let x as Double: x
    case let x as Float: Double(x)
    case let x as Int: Double(x)
    case let x as UInt64: Double(x)
    case let x as Double?: x
    case let x as Float?: x.map(Double.init)
    case let x as Int?: x.map(Double.init)
    default: nil
    }
  }
}

extension Setting {
  /// `message` with every setting named in backticks (`` `seqLength` ``, the engine's and the
  /// domains' way) replaced by `spell(name)`: how a front end names it (`--seq-length` on the
  /// command line, `` `options.seqLength` `` in an API answer). Backticked text that is not a
  /// property name (a path, a field already spelled) is kept as it is.
  public static func respell(_ message: String, _ spell: (String) -> String) -> String {
    var out = ""
    var rest = Substring(message)
    while let open = rest.firstIndex(of: "`") {
      let after = rest[rest.index(after: open)...]
      guard let close = after.firstIndex(of: "`") else { break }
      let name = after[..<close]
      out += rest[..<open]
      if let first = name.first, first.isLowercase, name.allSatisfy({ $0.isLetter || $0.isNumber }) {
        out += spell(String(name))
      } else {
        out += "`\(name)`"
      }
      rest = after[after.index(after: close)...]
    }
    return out + rest
  }
}
