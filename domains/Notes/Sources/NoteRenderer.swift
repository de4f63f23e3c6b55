import Foundation
import Synthesizer

/// Synthesizes notes to audio with FluidSynth (`Synthesizer`) and a General MIDI SoundFont.
///
/// The synthesizer is stepped by hand: render up to the next note event, send the note-on/off,
/// repeat, then let the release tails ring for `tail` seconds. The result is deterministic for
/// given notes and font.
public struct NoteRenderer {
  /// Where Debian's fluid-soundfont-gm and similar packages install a General MIDI font.
  public static let standardSoundFonts = [
    "/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
  ]

  public var soundFont: String
  public var sampleRate: Int
  /// General MIDI program (0 = Acoustic Grand Piano).
  public var program: Int
  /// Seconds rendered after the last release.
  public var tail: Double

  public init(soundFont: String, sampleRate: Int = 44_100, program: Int = 0, tail: Double = 1.5) {
    self.soundFont = soundFont
    self.sampleRate = sampleRate
    self.program = program
    self.tail = tail
  }

  /// The SoundFont to use: `explicit` if given (it must exist), else the first standard one found.
  public static func findSoundFont(_ explicit: String?, candidates: [String] = standardSoundFonts) throws(NoteError)
    -> String
  {
    if let explicit {
      guard FileManager.default.isReadableFile(atPath: explicit) else {
        throw .soundFontMissing("\(explicit): SoundFont not found or not readable (`soundfont`)")
      }
      return explicit
    }
    guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
      throw .soundFontMissing(
        "no SoundFont found for `render` (looked in \(candidates.joined(separator: ", "))); install the Debian package fluid-soundfont-gm (apt-get install fluid-soundfont-gm) or give `soundfont`"
      )
    }
    return found
  }

  /// Interleaved stereo samples of the notes (channel 1, `program`).
  public func render(_ notes: [Note]) throws(NoteError) -> [Float] {
    let end = (notes.map(\.end).max() ?? 0) + tail
    let totalFrames = Int((end * Double(sampleRate)).rounded(.up))
    guard totalFrames <= 3 * 3600 * sampleRate else {
      throw .synthesis("refusing to render more than 3 hours of audio")
    }

    let synth: Synthesizer
    do {
      synth = try Synthesizer(soundFont: soundFont, sampleRate: sampleRate)
      try synth.programChange(program: program)
    } catch {
      throw .synthesis(error.description)
    }

    // (frame, off before on, pitch, velocity)
    var events: [(frame: Int, on: Bool, pitch: Int32, velocity: Int32)] = []
    for n in notes where (0...127).contains(n.pitch) {
      let on = Int((n.start * Double(sampleRate)).rounded())
      events.append((on, true, Int32(n.pitch), Int32(min(max(n.velocity, 1), 127))))
      events.append((max(on + 1, Int((n.end * Double(sampleRate)).rounded())), false, Int32(n.pitch), 0))
    }
    events.sort { ($0.frame, $0.on ? 1 : 0, $0.pitch) < ($1.frame, $1.on ? 1 : 0, $1.pitch) }

    let left = UnsafeMutablePointer<Float>.allocate(capacity: max(totalFrames, 1))
    let right = UnsafeMutablePointer<Float>.allocate(capacity: max(totalFrames, 1))
    defer {
      left.deallocate()
      right.deallocate()
    }
    var done = 0
    func renderTo(_ frame: Int) throws(NoteError) {
      while done < min(frame, totalFrames) {
        let n = min(4096, min(frame, totalFrames) - done)
        do { try synth.render(frames: n, left: left + done, right: right + done) } catch {
          throw .synthesis(error.description)
        }
        done += n
      }
    }
    for e in events {
      try renderTo(e.frame)
      if e.on {
        synth.noteOn(pitch: e.pitch, velocity: e.velocity)
      } else {
        synth.noteOff(pitch: e.pitch)
      }
    }
    try renderTo(totalFrames)
    var interleaved = [Float](repeating: 0, count: totalFrames * 2)
    for i in 0..<totalFrames {
      interleaved[2 * i] = left[i]
      interleaved[2 * i + 1] = right[i]
    }
    return interleaved
  }
}
