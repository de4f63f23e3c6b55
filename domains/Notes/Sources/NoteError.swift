/// Everything that can go wrong with note data; each case prints as one line naming the file
/// (and the byte offset where the problem is known), so the CLI can show it as "Error: …".
public enum NoteError: Error, CustomStringConvertible, Equatable {
  /// The file (or folder) cannot be opened or listed, or is far too large to be a MIDI file.
  case unreadable(path: String, reason: String)
  /// The bytes break the Standard MIDI File rules at `offset`.
  case malformed(path: String, offset: Int, reason: String)
  /// A valid file this reader deliberately does not handle (format 2).
  case unsupported(path: String, reason: String)
  /// The file holds no (kept) notes.
  case noNotes(path: String, reason: String)
  /// No file of the corpus holds any note.
  case emptyCorpus(String)
  /// An event, prime or piece that the model's codec or the MIDI format cannot carry.
  case notRepresentable(String)
  /// No SoundFont for `render`.
  case soundFontMissing(String)
  /// FluidSynth failed while rendering.
  case synthesis(String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): \(reason)"
    case .malformed(let path, let offset, let reason): "\(path): \(reason) (byte offset \(offset))"
    case .unsupported(let path, let reason): "\(path): \(reason)"
    case .noNotes(let path, let reason): "\(path): no notes to learn from (\(reason))"
    case .emptyCorpus(let paths): "\(paths): no notes to learn from in any MIDI file"
    case .notRepresentable(let m): m
    case .soundFontMissing(let m): m
    case .synthesis(let m): "rendering failed: \(m)"
    }
  }
}
