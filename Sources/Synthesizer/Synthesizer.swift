import CFluidSynth

/// FluidSynth's synthesizer stepped by hand: the one wrapper of the C library, each call
/// checked once and its failure thrown as a `SynthesizerError`.
///
/// No audio driver and no sequencer thread: a caller renders up to its next event
/// (`render(frames:left:right:)`), sends note-ons and note-offs, and repeats, so the result is
/// the same for the same notes and font on every run.
public final class Synthesizer {
  private let settings: OpaquePointer
  private let synth: OpaquePointer
  public let sampleRate: Int

  /// A synthesizer at `sampleRate` with `soundFont` loaded (`new_fluid_settings`,
  /// `new_fluid_synth`, `fluid_synth_sfload`).
  public init(soundFont: String, sampleRate: Int, polyphony: Int = 256) throws(SynthesizerError) {
    // Its failures come back as typed errors, so its own log lines (errors too) are silenced.
    for level in [FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG] {
      fluid_set_log_function(Int32(level.rawValue), nil, nil)
    }
    guard let settings = new_fluid_settings() else { throw .call("new_fluid_settings") }
    fluid_settings_setnum(settings, "synth.sample-rate", Double(sampleRate))
    fluid_settings_setint(settings, "synth.polyphony", Int32(polyphony))
    guard let synth = new_fluid_synth(settings) else {
      delete_fluid_settings(settings)
      throw .call("new_fluid_synth")
    }
    guard fluid_synth_sfload(synth, soundFont, 1) != FLUID_FAILED else {
      delete_fluid_synth(synth)
      delete_fluid_settings(settings)
      throw .soundFont(path: soundFont)
    }
    self.settings = settings
    self.synth = synth
    self.sampleRate = sampleRate
  }

  deinit {
    delete_fluid_synth(synth)
    delete_fluid_settings(settings)
  }

  /// Selects General MIDI `program` (0...127) on `channel` (`fluid_synth_program_change`).
  public func programChange(channel: Int32 = 0, program: Int) throws(SynthesizerError) {
    guard fluid_synth_program_change(synth, channel, Int32(min(max(program, 0), 127))) != FLUID_FAILED else {
      throw .call("fluid_synth_program_change")
    }
  }

  /// Starts `pitch` at `velocity` (1...127) on `channel` (`fluid_synth_noteon`).
  public func noteOn(channel: Int32 = 0, pitch: Int32, velocity: Int32) {
    // A failure here means the key or velocity was out of range: nothing sounds, as MIDI would.
    _ = fluid_synth_noteon(synth, channel, pitch, velocity)
  }

  /// Releases `pitch` on `channel` (`fluid_synth_noteoff`; releasing a silent key is no error).
  public func noteOff(channel: Int32 = 0, pitch: Int32) {
    _ = fluid_synth_noteoff(synth, channel, pitch)
  }

  /// Renders `frames` stereo frames into `left` and `right` (`fluid_synth_write_float`).
  public func render(
    frames: Int, left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>
  ) throws(SynthesizerError) {
    guard fluid_synth_write_float(synth, Int32(frames), left, 0, 1, right, 0, 1) != FLUID_FAILED else {
      throw .call("fluid_synth_write_float")
    }
  }
}

/// What the FluidSynth wrapper throws.
public enum SynthesizerError: Error, CustomStringConvertible, Equatable {
  /// A C call failed (its name).
  case call(String)
  /// FluidSynth cannot load the SoundFont at `path`.
  case soundFont(path: String)

  public var description: String {
    switch self {
    case .call(let name): "FluidSynth's \(name) failed"
    case .soundFont(let path): "\(path): FluidSynth cannot load this SoundFont"
    }
  }
}
