import Foundation

/// File names a client may choose for what a server writes: the last component of what it
/// gave, letters, digits and `._-` only, inside the server's own folder.
public enum ServedFile {
  /// `name`'s file name inside `folder`, or `fallback`'s when `name` is nil; nil when both are.
  public static func path(_ name: String?, in folder: URL, default fallback: String? = nil) -> String? {
    guard let given = name ?? fallback else { return nil }
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    var file = String(String(given.split(separator: "/").last ?? "").filter { allowed.contains($0) }.prefix(64))
    while file.hasPrefix(".") { file.removeFirst() }
    if file.isEmpty { file = fallback ?? "output" }
    return folder.appendingPathComponent(file).path
  }
}
