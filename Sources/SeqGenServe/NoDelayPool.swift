import FlyingSocks
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// FlyingFox's socket pool with Nagle's algorithm turned off on every socket it waits on.
///
/// FlyingFox writes a response's header and body in two writes; with Nagle on, the body waits
/// for the client to acknowledge the header, which a keep-alive client delays by up to 40 ms:
/// measured 44 ms for every request after a connection's first (3 ms). The listening socket is
/// among those waited on, and Linux hands TCP_NODELAY on to the sockets it accepts.
struct NoDelayPool: AsyncSocketPool {
  let base: any AsyncSocketPool

  func prepare() async throws { try await base.prepare() }
  func run() async throws { try await base.run() }

  func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
    var on: Int32 = 1
    _ = setsockopt(socket.file.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    try await base.suspendSocket(socket, untilReadyFor: events)
  }
}
