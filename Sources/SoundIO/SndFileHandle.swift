import CSndFile

/// An open libsndfile handle: the one place each libsndfile function is called.
///
/// Every C call is wrapped once here and turns libsndfile's error returns into a thrown
/// `SoundFileError` carrying `sf_strerror`'s message, so nothing above this file sees C.
final class SndFileHandle {
  let handle: OpaquePointer
  /// Channels, sample rate, frame count and format as the header (or the writer) set them.
  let info: SF_INFO
  /// Keeps a virtual-I/O buffer alive as long as libsndfile may call back into it.
  private let keepAlive: AnyObject?

  private init(handle: OpaquePointer, info: SF_INFO, keepAlive: AnyObject?) {
    self.handle = handle
    self.info = info
    self.keepAlive = keepAlive
  }

  deinit { sf_close(handle) }  // sf_close: its result only reports an earlier write error.

  /// Opens a file on disk for reading (`sf_open` with `SFM_READ`).
  static func open(path: String) throws(SoundFileError) -> SndFileHandle {
    var info = SF_INFO()
    guard let h = sf_open(path, Int32(SFM_READ), &info) else {
      throw .unreadable(path: path, message: explained(errorMessage(nil)))
    }
    return SndFileHandle(handle: h, info: info, keepAlive: nil)
  }

  /// Opens an in-memory buffer through libsndfile's virtual I/O (`sf_open_virtual`).
  ///
  /// - Parameters:
  ///   - mode: `SFM_READ`, or `SFM_WRITE` with `info` describing the output.
  ///   - name: what errors call the buffer.
  static func openVirtual(_ buffer: MemoryIO, mode: Int32, info: SF_INFO = SF_INFO(), name: String)
    throws(SoundFileError)
    -> SndFileHandle
  {
    var info = info
    var callbacks = MemoryIO.callbacks
    let user = Unmanaged.passUnretained(buffer).toOpaque()
    guard let h = sf_open_virtual(&callbacks, mode, &info, user) else {
      let message = explained(errorMessage(nil))
      throw mode == Int32(SFM_READ)
        ? .unreadable(path: name, message: message) : .unwritable(path: name, message: message)
    }
    return SndFileHandle(handle: h, info: info, keepAlive: buffer)
  }

  /// Whether libsndfile can write this format/channels/rate combination (`sf_format_check`).
  static func formatIsValid(_ info: SF_INFO) -> Bool {
    var info = info
    return sf_format_check(&info) == Int32(SF_TRUE)
  }

  /// The message for the last error of `handle`, or of the last failed open when nil (`sf_strerror`).
  static func errorMessage(_ handle: OpaquePointer?) -> String {
    guard let c = sf_strerror(handle) else { return "unknown libsndfile error" }
    return String(cString: c)
  }

  /// libsndfile's message, with what it means where the words alone do not say.
  static func explained(_ message: String) -> String {
    message.contains("SF_INFO struct incomplete")
      ? message + " (the header gives a zero sample rate or channel count)" : message
  }

  /// This handle's last error message.
  var errorMessage: String { Self.errorMessage(handle) }

  /// Reads up to `frames` interleaved frames into `buffer` (`sf_readf_float`); returns the count read.
  func readFrames(into buffer: UnsafeMutablePointer<Float>, frames: Int) -> Int {
    Int(sf_readf_float(handle, buffer, sf_count_t(frames)))
  }

  /// Writes `frames` interleaved frames (`sf_writef_float`); returns the count written.
  func writeFrames(_ buffer: UnsafePointer<Float>, frames: Int) -> Int {
    Int(sf_writef_float(handle, buffer, sf_count_t(frames)))
  }

  /// libsndfile's parse log of the header (`sf_command` with `SFC_GET_LOG_INFO`).
  var logInfo: String {
    var buffer = [CChar](repeating: 0, count: 16_384)
    let n = Int(sf_command(handle, Int32(SFC_GET_LOG_INFO), &buffer, Int32(buffer.count)))
    return String(
      decoding: buffer.prefix(max(0, min(n, buffer.count - 1))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Sets a string field (`sf_set_string`) of a file open for writing, before any frame is
  /// written; false where the format has no such field.
  @discardableResult
  func setString(_ type: Int32, _ value: String) -> Bool {
    sf_set_string(handle, type, value) == 0
  }

  /// A string field of the file (`sf_get_string`), or nil.
  func string(_ type: Int32) -> String? {
    sf_get_string(handle, type).map { String(cString: $0) }
  }

  /// Sends a command with an integer-flag argument (`sf_command`), e.g. `SFC_SET_CLIPPING`.
  @discardableResult
  func command(_ command: Int32, flag: Bool) -> Int32 {
    sf_command(handle, command, nil, flag ? Int32(SF_TRUE) : Int32(SF_FALSE))
  }

  /// Sends a command with a double argument (`sf_command`), e.g. `SFC_SET_VBR_ENCODING_QUALITY`.
  @discardableResult
  func command(_ command: Int32, value: Double) -> Int32 {
    var v = value
    return sf_command(handle, command, &v, Int32(MemoryLayout<Double>.size))
  }
}
