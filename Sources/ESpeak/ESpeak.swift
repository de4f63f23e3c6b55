import CESpeakNG
import Synchronization

/// Everything the espeak-ng wrapper refuses, one line each.
public enum ESpeakError: Error, Equatable, CustomStringConvertible {
  /// `espeak_Initialize` failed (no espeak-ng-data where the library looks).
  case unavailable
  /// espeak-ng has no voice of this name.
  case unknownVoice(String)
  /// A rate or pitch outside espeak-ng's range.
  case outOfRange(String)
  /// espeak-ng refused to synthesise.
  case synthesis(String)

  public var description: String {
    switch self {
    case .unavailable: "espeak-ng: cannot initialise (is the espeak-ng-data package installed?)"
    case .unknownVoice(let name): "espeak-ng: no voice \(name.debugDescription) (`espeak-ng --voices` lists them)"
    case .outOfRange(let message): "espeak-ng: \(message)"
    case .synthesis(let message): "espeak-ng: \(message)"
    }
  }
}

/// Speech synthesis with libespeak-ng: text to 16-bit samples, and text to its phonemes.
///
/// espeak-ng keeps one global state per process (voice, parameters, callback), so every call
/// holds one lock, and the library is initialised once, on first use.
public enum ESpeak {
  /// The samples espeak-ng writes per second (its voices all run at this rate).
  public static func sampleRate() throws(ESpeakError) -> Int {
    try state.withLock { s throws(ESpeakError) in try s.start() }
  }

  /// `text` (UTF-8) said by `voice` ("en-us+klatt": a language, then a variant) at `rate` words
  /// per minute (80...450; espeak-ng's normal is 175) and base `pitch` (0...100; normal 50).
  public static func synthesize(_ text: String, voice: String, rate: Int = 175, pitch: Int = 50) throws(ESpeakError)
    -> [Int16]
  {
    guard (80...450).contains(rate) else { throw .outOfRange("rate \(rate) is outside 80...450 words per minute") }
    guard (0...100).contains(pitch) else { throw .outOfRange("pitch \(pitch) is outside 0...100") }
    return try state.withLock { s throws(ESpeakError) in
      _ = try s.start()
      try s.select(voice)
      guard espeak_SetParameter(espeakRATE, Int32(rate), 0) == EE_OK,
        espeak_SetParameter(espeakPITCH, Int32(pitch), 0) == EE_OK
      else { throw .synthesis("cannot set rate \(rate) and pitch \(pitch)") }
      let sink = Sink()
      let box = Unmanaged.passRetained(sink)
      defer { box.release() }
      let bytes = Array(text.utf8CString)
      let status = bytes.withUnsafeBufferPointer { p in
        espeak_Synth(
          p.baseAddress, p.count, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, box.toOpaque())
      }
      guard status == EE_OK else { throw .synthesis("synthesis of \(text.prefix(40).debugDescription) failed") }
      return sink.samples
    }
  }

  /// `text` as espeak-ng's phoneme mnemonics (Kirshenbaum-like ASCII), words separated by
  /// spaces: what a voice says, independent of spelling.
  public static func phonemes(_ text: String, voice: String) throws(ESpeakError) -> String {
    try state.withLock { s throws(ESpeakError) in
      _ = try s.start()
      try s.select(voice)
      var pieces: [String] = []
      let bytes = Array(text.utf8CString)
      bytes.withUnsafeBufferPointer { p in
        var cursor: UnsafeRawPointer? = UnsafeRawPointer(p.baseAddress!)
        while let current = cursor, current.load(as: CChar.self) != 0 {
          var next: UnsafeRawPointer? = current
          guard let out = espeak_TextToPhonemes(&next, espeakCHARS_UTF8, 0) else { break }
          pieces.append(String(cString: out))
          // espeak-ng sets the pointer to nil at the end of the text.
          if next == current { break }
          cursor = next
        }
      }
      return pieces.map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }.joined(separator: " ")
    }
  }

  /// The library's process-wide state behind the lock.
  final class State: @unchecked Sendable {
    var rate: Int?
    var voice: String?

    /// Initialises espeak-ng once, for synchronous synthesis into `Sink`s; returns its rate.
    func start() throws(ESpeakError) -> Int {
      if let rate { return rate }
      let r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, Int32(espeakINITIALIZE_DONT_EXIT))
      guard r > 0 else { throw .unavailable }
      espeak_SetSynthCallback { wav, count, events in
        guard let events, let user = events.pointee.user_data else { return 0 }
        let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
        if let wav, count > 0 { sink.samples.append(contentsOf: UnsafeBufferPointer(start: wav, count: Int(count))) }
        return 0
      }
      rate = Int(r)
      return Int(r)
    }

    func select(_ name: String) throws(ESpeakError) {
      guard name != voice else { return }
      guard espeak_SetVoiceByName(name) == EE_OK else { throw .unknownVoice(name) }
      voice = name
    }
  }

  /// Where the callback appends the samples of one synthesis.
  final class Sink {
    var samples: [Int16] = []
  }

  private static let state = Mutex(State())
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
  }
}
