import CSentencePiece
import Foundation

/// A failure of SentencePiece, with the library's own message.
public enum SentencePieceError: Error, Equatable, CustomStringConvertible {
  /// Training a model failed (a vocabulary size the text cannot fill, an unknown option, …).
  case training(String)
  /// The bytes are not a SentencePiece model.
  case badModel(String)
  case encoding(String)

  /// The library's own words.
  public var reason: String {
    switch self {
    case .training(let why), .badModel(let why), .encoding(let why): why
    }
  }

  public var description: String {
    switch self {
    case .training(let why): "SentencePiece could not train a model: \(why)"
    case .badModel(let why): "not a SentencePiece model (\(why))"
    case .encoding(let why): "SentencePiece could not encode the text: \(why)"
    }
  }
}

/// A SentencePiece model (the standard serialized `ModelProto`, what `spm_train` writes and
/// Python's `sentencepiece` loads): the one wrapper of the C++ library, through the C shim in
/// `CSentencePiece`.
///
/// Loaded once, then read-only: SentencePiece's encoder is `const`, so one model serves every
/// thread.
public final class SentencePieceModel: @unchecked Sendable {
  /// What a piece is, as the model marks it.
  public enum Kind: Sendable, Equatable {
    case normal
    /// The unknown piece (`<unk>`): what a character outside the model becomes without byte fallback.
    case unknown
    /// `<s>`, `</s>` and other control symbols: never produced by encoding.
    case control
    /// One byte of UTF-8, `<0x41>`: byte fallback for a character the model lacks.
    case byte(UInt8)
  }

  /// The model's serialized bytes, exactly as loaded or trained.
  public let serialized: Data
  /// The pieces by id (`▁` marks a space).
  public let pieces: [String]
  public let kinds: [Kind]
  private let processor: OpaquePointer

  /// Loads a serialized model.
  public init(serialized: Data) throws(SentencePieceError) {
    var error: UnsafeMutablePointer<CChar>?
    let loaded = serialized.withUnsafeBytes { spm_load($0.baseAddress, $0.count, &error) }
    guard let loaded else { throw .badModel(Self.take(error)) }
    processor = loaded
    self.serialized = serialized
    let count = Int(spm_piece_count(loaded))
    var pieces: [String] = []
    var kinds: [Kind] = []
    pieces.reserveCapacity(count)
    for id in 0..<Int32(count) {
      var length = 0
      let bytes = spm_piece(loaded, id, &length)!
      let piece = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
      pieces.append(piece)
      switch spm_kind(loaded, id) {
      case SPM_UNKNOWN: kinds.append(.unknown)
      case SPM_CONTROL: kinds.append(.control)
      case SPM_BYTE: kinds.append(Self.byteValue(piece).map { .byte($0) } ?? .normal)
      default: kinds.append(.normal)
      }
    }
    self.pieces = pieces
    self.kinds = kinds
  }

  /// Loads the model file at `url` (`.model`).
  public convenience init(contentsOf url: URL) throws(SentencePieceError) {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .badModel("cannot read \(url.path): \(error.localizedDescription)")
    }
    try self.init(serialized: data)
  }

  deinit { spm_free(processor) }

  /// Trains a model on the lines of `text` (empty lines skipped) with `options`, each an
  /// `spm_train` flag without its dashes (`["model_type": "bpe", "vocab_size": "1000"]`).
  /// `seed` fixes SentencePiece's sampling, so the same text and options give the same model.
  public static func train(text: String, options: [String: String], seed: UInt32 = 1) throws(SentencePieceError)
    -> SentencePieceModel
  {
    let args = options.sorted { $0.key < $1.key }.map { "--\($0.key)=\($0.value)" }.joined(separator: " ")
    var model: UnsafeMutablePointer<CChar>?
    var size = 0
    var error: UnsafeMutablePointer<CChar>?
    var utf8 = text
    let status = utf8.withUTF8 { spm_train($0.baseAddress, $0.count, args, seed, &model, &size, &error) }
    guard status == 0, let model else { throw .training(take(error)) }
    let data = Data(bytes: model, count: size)
    spm_free_buffer(model)
    return try SentencePieceModel(serialized: data)
  }

  /// The ids of `text`'s pieces.
  public func encode(_ text: String) throws(SentencePieceError) -> [Int] {
    var ids: UnsafeMutablePointer<Int32>?
    var count = 0
    var error: UnsafeMutablePointer<CChar>?
    var utf8 = text
    let status = utf8.withUTF8 { spm_encode(processor, $0.baseAddress, $0.count, &ids, &count, &error) }
    guard status == 0, let ids else { throw .encoding(Self.take(error)) }
    defer { spm_free_buffer(ids) }
    return UnsafeBufferPointer(start: ids, count: count).map { Int($0) }
  }

  /// The byte of a byte piece's name, `<0x0A>` → 10.
  static func byteValue(_ piece: String) -> UInt8? {
    guard piece.count == 6, piece.hasPrefix("<0x"), piece.hasSuffix(">") else { return nil }
    return UInt8(piece.dropFirst(3).prefix(2), radix: 16)
  }

  /// The library's message without the source location and failed check it starts with
  /// ("Internal: ./src/trainer_interface.cc(660) [(a) == (b)] Vocabulary size too high …").
  private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String {
    guard let error else { return "unknown error" }
    defer { spm_free_buffer(error) }
    let message = String(cString: error)
    guard let located = message.firstMatch(of: /^[A-Za-z ]+: \S+\(\d+\) \[(.*)\] ?(.*)$/) else { return message }
    let said = located.output.2.trimmingCharacters(in: .whitespaces)
    return said.isEmpty ? "failed check \(located.output.1)" : said
  }
}
