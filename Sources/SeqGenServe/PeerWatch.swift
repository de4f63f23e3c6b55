import FlyingFox
import Foundation
import SeqGenEngine

#if canImport(Glibc)
  import Glibc
#endif

/// Notices that the client of a request has gone while its answer is still being made.
///
/// FlyingFox awaits a handler before it touches the socket again and hands it no socket to
/// watch, so a `POST /generate` whose client hung up would run on to its time limit. The
/// kernel knows better: Linux lists every TCP connection in `/proc/net/tcp` (`tcp6`), and the
/// server's end of a connection whose client closed it leaves ESTABLISHED (CLOSE_WAIT after a
/// FIN, gone after a reset). The watch finds the row with the server's port and the client's
/// address and port, and cancels the generation when it is no longer ESTABLISHED twice in a
/// row (one read of the table is not atomic). Where there is no such table the watch does
/// nothing, and the time limit still bounds the work.
struct PeerWatch: Sendable {
  let table: String
  let localPort: UInt16
  let peerAddress: [UInt8]
  let peerPort: UInt16

  /// nil where the client's address is not an IP one or the table is missing.
  init?(localPort: UInt16, peer: HTTPRequest.Address?) {
    let (family, ip, port): (Int32, String, UInt16)
    switch peer {
    case .ip4(let a, let p)?: (family, ip, port) = (AF_INET, a, p)
    case .ip6(let a, let p)?: (family, ip, port) = (AF_INET6, a, p)
    default: return nil
    }
    var bytes = [UInt8](repeating: 0, count: family == AF_INET ? 4 : 16)
    guard localPort > 0, inet_pton(family, ip, &bytes) == 1 else { return nil }
    table = family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6"
    guard FileManager.default.isReadableFile(atPath: table) else { return nil }
    self.localPort = localPort
    peerAddress = bytes
    peerPort = port
  }

  /// Whether the connection is still ESTABLISHED (nil: the table could not be read).
  func isConnected() -> Bool? {
    guard let handle = FileHandle(forReadingAtPath: table) else { return nil }
    defer { try? handle.close() }
    guard let data = try? handle.readToEnd() else { return nil }
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
      let fields = line.split(separator: " ", maxSplits: 4)
      guard fields.count >= 4, Self.endpoint(fields[1])?.1 == localPort,
        let (address, port) = Self.endpoint(fields[2]), address == peerAddress, port == peerPort
      else { continue }
      return fields[3] == "01"
    }
    return false
  }

  /// Polls every `interval` until the client is gone (then cancels) or the task is cancelled.
  func cancelWhenGone(_ cancellation: GenerationCancellation, interval: Duration = .milliseconds(200)) async {
    var missed = 0
    while !Task.isCancelled && !cancellation.isCancelled {
      try? await Task.sleep(for: interval)
      guard !Task.isCancelled, let connected = isConnected() else { return }
      missed = connected ? 0 : missed + 1
      if missed >= 2 { return cancellation.cancel() }
    }
  }

  /// The address bytes and port of a table field ("0100007F:1F90"): the address is printed as 32-bit words in
  /// host order (little-endian here), so each word's bytes come reversed.
  static func endpoint(_ field: Substring) -> ([UInt8], UInt16)? {
    let parts = field.split(separator: ":")
    guard parts.count == 2, let port = UInt16(parts[1], radix: 16), parts[0].count % 8 == 0 else { return nil }
    var bytes: [UInt8] = []
    var rest = parts[0][...]
    while !rest.isEmpty {
      guard let word = UInt32(rest.prefix(8), radix: 16) else { return nil }
      withUnsafeBytes(of: word.littleEndian) { bytes += $0 }
      rest = rest.dropFirst(8)
    }
    return (bytes, port)
  }
}
