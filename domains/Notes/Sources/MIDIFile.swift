/// A parsed Standard MIDI File: its time division and, per track, the events SeqGen uses with
/// their absolute tick. Everything else (lyrics, SysEx, program changes…) is parsed and dropped.
public struct MIDIFile: Sendable, Equatable {
  /// How ticks relate to time.
  public enum Division: Sendable, Equatable {
    /// Ticks per quarter note; seconds then follow the tempo map.
    case ticksPerQuarter(Int)
    /// SMPTE: frames per second (24, 25, 29 = 29.97 drop-frame, 30) × ticks per frame; tempo is ignored.
    case smpte(framesPerSecond: Int, ticksPerFrame: Int)
  }

  /// The events of a track that affect notes or time.
  public enum Event: Sendable, Equatable {
    case noteOn(channel: Int, pitch: Int, velocity: Int)
    case noteOff(channel: Int, pitch: Int)
    case controlChange(channel: Int, controller: Int, value: Int)
    /// Set tempo, microseconds per quarter note.
    case tempo(Int)
  }

  /// One event at an absolute tick of its track.
  public struct TimedEvent: Sendable, Equatable {
    public var tick: Int
    public var event: Event
  }

  public var format: Int
  public var division: Division
  public var tracks: [[TimedEvent]]
  /// Tick of each track's end-of-track event.
  public var trackEnds: [Int]

  /// The tempo map of the whole file (tempo events of every track, as format 1 intends).
  public var tempoMap: TempoMap {
    var changes: [(tick: Int, microsecondsPerQuarter: Int)] = []
    for track in tracks {
      for e in track { if case .tempo(let t) = e.event { changes.append((e.tick, t)) } }
    }
    return TempoMap(division: division, changes: changes)
  }

  /// The notes of all tracks and channels, merged, with times in seconds.
  ///
  /// Events at the same tick are taken in track order, then file order (as mido and most
  /// sequencers merge). Rules, chosen to be deterministic and what a synthesizer would play:
  /// a note-on with velocity 0 is a note-off; a note-on for a key already sounding on that
  /// channel ends the earlier note there (a re-strike); a note-off with nothing sounding is
  /// ignored; with `sustain`, a key released while the channel's pedal (CC64 ≥ 64) is down keeps
  /// sounding until the pedal lifts or the key is struck again; notes still sounding at the end
  /// close at the last end-of-track. The drum channel (9, "channel 10") is dropped unless `keepDrums`.
  public func notes(keepDrums: Bool = false, sustain: Bool = true) -> [Note] {
    let map = tempoMap
    var merged: [(tick: Int, order: Int, event: Event)] = []
    var order = 0
    for track in tracks {
      for e in track {
        merged.append((e.tick, order, e.event))
        order += 1
      }
    }
    merged.sort { ($0.tick, $0.order) < ($1.tick, $1.order) }

    var notes: [Note] = []
    // Sounding notes per channel·128 + pitch: (start, velocity); `released` marks keys held by the pedal.
    var sounding: [Int: (start: Double, velocity: Int)] = [:]
    var released = Set<Int>()
    var pedal = Array(repeating: false, count: 16)
    func close(_ key: Int, at time: Double) {
      guard let open = sounding.removeValue(forKey: key) else { return }
      released.remove(key)
      notes.append(Note(pitch: key % 128, velocity: open.velocity, start: open.start, end: time, channel: key / 128))
    }
    for (tick, _, event) in merged {
      let time = map.seconds(atTick: tick)
      switch event {
      case .noteOn(let channel, let pitch, let velocity):
        if channel == 9 && !keepDrums { continue }
        let key = channel * 128 + pitch
        close(key, at: time)
        sounding[key] = (time, velocity)
      case .noteOff(let channel, let pitch):
        let key = channel * 128 + pitch
        guard sounding[key] != nil else { continue }
        if sustain && pedal[channel] {
          released.insert(key)
        } else {
          close(key, at: time)
        }
      case .controlChange(let channel, 64, let value) where sustain:
        let down = value >= 64
        if pedal[channel] && !down {
          for key in released.filter({ $0 / 128 == channel }).sorted() { close(key, at: time) }
        }
        pedal[channel] = down
      case .controlChange, .tempo:
        continue
      }
    }
    let end = map.seconds(atTick: trackEnds.max() ?? 0)
    for key in sounding.keys.sorted() { close(key, at: max(end, sounding[key]!.start)) }
    notes.sort { ($0.start, $0.channel, $0.pitch, $0.end) < ($1.start, $1.channel, $1.pitch, $1.end) }
    return notes
  }
}
