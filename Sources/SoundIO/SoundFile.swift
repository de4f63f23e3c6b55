import CSndFile
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads and writes audio through libsndfile: every format libsndfile reads (WAV, FLAC,
/// Ogg/Vorbis, AIFF, AU, CAF, …), from a file or from memory; writes WAV, FLAC or Ogg/Vorbis
/// chosen by extension, atomically.
///
/// Readers check every header value before allocating (channels, sample rate, and frames ×
/// channels against `Limits`), report short data as truncation, and reject NaN or infinite
/// samples, so no file can make us allocate absurd memory or hand NaN to a model.
public enum SoundFile {
  /// What a reader accepts; anything outside is a `SoundFileError.outOfRange` naming the file.
  public struct Limits: Sendable, Equatable {
    /// Most channels a file may have.
    public var maxChannels: Int
    /// Highest sample rate in Hz (the lowest is 1).
    public var maxSampleRate: Int
    /// Most samples (frames × channels) decoded from one file: bounds the memory a header can ask for.
    public var maxSamples: Int

    public init(maxChannels: Int = 64, maxSampleRate: Int = 768_000, maxSamples: Int = 1 << 28) {
      self.maxChannels = maxChannels
      self.maxSampleRate = maxSampleRate
      self.maxSamples = maxSamples
    }
  }

  /// Decoded audio.
  public struct Audio: Sendable, Equatable {
    /// Interleaved samples, frame by frame, nominally in [−1, 1].
    public var samples: [Float]
    public var channels: Int
    public var sampleRate: Int

    public init(samples: [Float], channels: Int, sampleRate: Int) {
      self.samples = samples
      self.channels = channels
      self.sampleRate = sampleRate
    }

    /// Frames (samples per channel).
    public var frames: Int { channels > 0 ? samples.count / channels : 0 }
    public var seconds: Double { Double(frames) / Double(sampleRate) }

    /// The mean of the channels, frame by frame.
    public var mono: [Float] {
      guard channels > 1 else { return samples }
      let scale = 1 / Float(channels)
      return (0..<frames).map { f in
        var sum: Float = 0
        for k in 0..<channels { sum += samples[f * channels + k] }
        return sum * scale
      }
    }
  }

  /// The extensions of the formats libsndfile reads (lower case, no dot): what a corpus folder
  /// is searched for (a file named directly is read whatever its name).
  public static let extensions: Set<String> = [
    "wav", "wave", "flac", "ogg", "oga", "aif", "aiff", "aifc", "au", "snd", "caf", "w64", "rf64", "mp3", "opus",
  ]

  /// What a corpus file may hold: more channels than a surround mix is not audio we expect.
  public static let corpusLimits = Limits(maxChannels: 8, maxSampleRate: 768_000, maxSamples: 1 << 28)

  /// Decodes an audio file: interleaved samples, channel count and sample rate.
  public static func read(_ url: URL, limits: Limits = Limits()) throws(SoundFileError) -> (
    samples: [Float], channels: Int, sampleRate: Int
  ) {
    let audio = try readAudio(url, limits: limits)
    return (audio.samples, audio.channels, audio.sampleRate)
  }

  /// The sample rate a file's header declares, without decoding it.
  public static func sampleRate(of url: URL) throws(SoundFileError) -> Int {
    Int(try SndFileHandle.open(path: url.path).info.samplerate)
  }

  /// Decodes an audio file into an `Audio` value.
  public static func readAudio(_ url: URL, limits: Limits = Limits()) throws(SoundFileError) -> Audio {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .unreadable(path: path, message: "no such file")
    }
    guard !isDirectory.boolValue else { throw .unreadable(path: path, message: "is a directory, not an audio file") }
    return try decode(SndFileHandle.open(path: path), name: path, limits: limits)
  }

  /// Decodes audio held in memory through libsndfile's virtual I/O; `name` is what errors call it.
  public static func read(data: Data, name: String = "<memory>", limits: Limits = Limits()) throws(SoundFileError)
    -> Audio
  {
    try decode(
      SndFileHandle.openVirtual(MemoryIO([UInt8](data)), mode: Int32(SFM_READ), name: name), name: name, limits: limits)
  }

  /// The string fields a file can carry (WAV's LIST INFO chunk, FLAC and Ogg's Vorbis
  /// comments), as `soxi` and `ffprobe` show them.
  public enum Tag: CaseIterable, Sendable {
    case title, comment, software, artist, date

    var sfType: Int32 {
      switch self {
      case .title: Int32(SF_STR_TITLE)
      case .comment: Int32(SF_STR_COMMENT)
      case .software: Int32(SF_STR_SOFTWARE)
      case .artist: Int32(SF_STR_ARTIST)
      case .date: Int32(SF_STR_DATE)
      }
    }
  }

  /// Encodes interleaved samples and writes them atomically (temporary file, fsync, rename), in
  /// the format the extension names (.wav, .flac, .ogg), with `tags` in its string fields.
  ///
  /// Samples beyond [−1, 1] are clipped, not wrapped (`SFC_SET_CLIPPING`).
  public static func write(
    _ samples: [Float], channels: Int, sampleRate: Int, to url: URL, tags: [Tag: String] = [:]
  ) throws(SoundFileError) {
    guard let format = SoundFileFormat(extension: url.pathExtension) else { throw .unknownOutputFormat(path: url.path) }
    let data = try encode(
      samples, channels: channels, sampleRate: sampleRate, format: format, name: url.path, tags: tags)
    try atomicWrite(data, to: url)
  }

  /// The string fields of an audio file.
  public static func tags(of url: URL) throws(SoundFileError) -> [Tag: String] {
    let handle = try SndFileHandle.open(path: url.path)
    var tags: [Tag: String] = [:]
    for tag in Tag.allCases { tags[tag] = handle.string(tag.sfType) }
    return tags
  }

  /// Encodes interleaved samples in memory through libsndfile's virtual I/O.
  public static func encode(
    _ samples: [Float], channels: Int, sampleRate: Int, format: SoundFileFormat, name: String = "<memory>",
    tags: [Tag: String] = [:]
  ) throws(SoundFileError) -> Data {
    guard channels >= 1, channels <= 1024 else { throw .invalidArgument("\(name): cannot write \(channels) channels") }
    guard sampleRate >= 1, sampleRate <= 768_000 else {
      throw .invalidArgument("\(name): cannot write at sample rate \(sampleRate)")
    }
    guard samples.count % channels == 0 else {
      throw .invalidArgument("\(name): \(samples.count) samples do not divide into \(channels) channels")
    }
    if let bad = samples.firstIndex(where: { !$0.isFinite }) {
      throw .invalidArgument(
        "\(name): sample \(bad / channels) of channel \(bad % channels + 1) is not finite; nothing written")
    }
    var info = SF_INFO()
    info.channels = Int32(channels)
    info.samplerate = Int32(sampleRate)
    info.format = format.sfFormat
    guard SndFileHandle.formatIsValid(info) else {
      throw .unwritable(
        path: name, message: "libsndfile cannot write \(format.rawValue) with \(channels) channels at \(sampleRate) Hz")
    }
    let buffer = MemoryIO()
    do {
      let handle = try SndFileHandle.openVirtual(buffer, mode: Int32(SFM_WRITE), info: info, name: name)
      handle.command(Int32(SFC_SET_CLIPPING), flag: true)
      if format == .ogg { handle.command(Int32(SFC_SET_VBR_ENCODING_QUALITY), value: 0.6) }
      for (tag, value) in tags.sorted(by: { $0.key.sfType < $1.key.sfType }) { handle.setString(tag.sfType, value) }
      let frames = samples.count / channels
      let written = samples.withUnsafeBufferPointer { handle.writeFrames($0.baseAddress!, frames: frames) }
      guard written == frames else { throw SoundFileError.unwritable(path: name, message: handle.errorMessage) }
    }  // the handle closes here, flushing headers into `buffer`
    return Data(buffer.bytes)
  }

  /// Changes the sample rate with libsamplerate (see `Resampler`).
  public static func resample(
    _ samples: [Float], channels: Int, from inputRate: Int, to outputRate: Int, quality: Resampler.Quality = .medium
  ) throws(SoundFileError) -> [Float] {
    try Resampler(quality: quality).resample(samples, channels: channels, from: inputRate, to: outputRate)
  }

  // MARK: - Internals

  /// Checks the header against `limits`, reads every frame, and checks what was read.
  static func decode(_ handle: SndFileHandle, name: String, limits: Limits) throws(SoundFileError) -> Audio {
    let info = handle.info
    let channels = Int(info.channels)
    let rate = Int(info.samplerate)
    let declared = Int64(info.frames)
    guard channels >= 1, channels <= limits.maxChannels else {
      throw .outOfRange(path: name, what: "\(channels) channels (at most \(limits.maxChannels) accepted)")
    }
    guard rate >= 1, rate <= limits.maxSampleRate else {
      throw .outOfRange(path: name, what: "sample rate \(rate) Hz is outside 1...\(limits.maxSampleRate)")
    }
    guard declared > 0 else { throw .empty(path: name) }
    guard declared <= Int64(limits.maxSamples / channels) else {
      throw .outOfRange(
        path: name,
        what: "\(declared) frames × \(channels) channels exceeds the limit of \(limits.maxSamples) samples per file")
    }
    let frames = Int(declared)
    if let (claimed, present) = truncatedDataChunk(handle.logInfo), present > 0 {
      throw .truncated(path: name, declared: Int(Double(frames) * Double(claimed) / Double(present)), present: frames)
    }
    // The declared length is only a claim (a tiny FLAC or Ogg header can declare 2²⁸ frames), so
    // memory grows with what is actually decoded, one block at a time, never with the claim.
    var samples: [Float] = []
    samples.reserveCapacity(min(frames, 1 << 20) * channels)
    var block = [Float](repeating: 0, count: 65_536 * channels)
    var done = 0
    while done < frames {
      let n = block.withUnsafeMutableBufferPointer {
        handle.readFrames(into: $0.baseAddress!, frames: min(65_536, frames - done))
      }
      if n <= 0 { break }
      samples += block[0..<(n * channels)]
      done += n
    }
    guard done == frames else {
      let message = handle.errorMessage
      if done == 0, message != "No Error." { throw .unreadable(path: name, message: message) }
      throw .truncated(path: name, declared: frames, present: done)
    }
    if let bad = samples.firstIndex(where: { !$0.isFinite }) {
      throw .nonFiniteSample(path: name, frame: bad / channels, channel: bad % channels)
    }
    return Audio(samples: samples, channels: channels, sampleRate: rate)
  }

  /// The (declared, present) byte counts of a data chunk that claims more bytes than the file
  /// holds, from libsndfile's header log ("data : 8000 (should be 3978)"): libsndfile itself
  /// silently reads the shorter length. Sizes of 2³¹ − 1 and above are streaming writers'
  /// "unknown length" placeholders, not truncation.
  static func truncatedDataChunk(_ log: String) -> (Int, Int)? {
    for line in log.split(separator: "\n") {
      let trimmed = line.drop { $0 == " " }
      guard trimmed.hasPrefix("data") || trimmed.hasPrefix("SSND"), let open = trimmed.range(of: "(should be ") else {
        continue
      }
      let declaredText =
        trimmed[..<open.lowerBound].split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""
      let presentText = trimmed[open.upperBound...].prefix { $0.isNumber }
      guard let declared = Int(declaredText), let present = Int(presentText), declared > present, declared < 0x7FFF_FFFF
      else { continue }
      return (declared, present)
    }
    return nil
  }

  /// Temporary file beside the target, fsync, rename over it, fsync the folder.
  static func atomicWrite(_ data: Data, to url: URL) throws(SoundFileError) {
    let path = url.path
    let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    func failure(_ what: String) -> SoundFileError {
      .unwritable(path: path, message: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw failure("cannot create a temporary file") }
    var failed: SoundFileError?
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failed = failure("write failed")
          return
        }
        offset += n
      }
    }
    if failed == nil, fsync(fd) != 0 { failed = failure("fsync failed") }
    close(fd)
    if failed == nil, rename(temp, path) != 0 { failed = failure("rename failed") }
    if let failed {
      unlink(temp)
      throw failed
    }
    let dir = open(url.deletingLastPathComponent().path, O_RDONLY)
    if dir >= 0 {
      fsync(dir)
      close(dir)
    }
  }
}
