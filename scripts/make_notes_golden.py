#!/usr/bin/env python3
"""Writes fixtures/reference/notes_golden.json: what an independent MIDI reader (mido) finds
in every fixture MIDI file, for NoteDomainTests to compare the Swift reader against.

mido parses the bytes and converts ticks to seconds through the tempo map (iterating a
MidiFile merges the tracks and applies every set_tempo). Only the pairing of note-ons and
note-offs into notes is done here, with the rules SeqGen documents (MIDIFile.notes):
  - note_on with velocity 0 is a note_off;
  - a note_on for a key already sounding on that channel ends the earlier note (re-strike);
  - a note_off with nothing sounding is ignored;
  - notes still sounding at the end close at the end of the file (the last end_of_track);
  - with the sustain pedal (CC64 >= 64 down), a key released while the pedal is down keeps
    sounding until the pedal lifts or the key is struck again; drums (channel 9) dropped.

Run once (needs `pip install mido`):  python3 scripts/make_notes_golden.py
"""
import glob
import importlib.metadata
import json
import os
import re

import mido

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures", "notes", "openmsx")
OUT = os.path.join(ROOT, "fixtures", "reference", "notes_golden.json")
HEAD, TAIL = 40, 10


def notes(mid, keep_drums, sustain):
    result, sounding, released, pedal = [], {}, set(), [False] * 16
    now = 0.0

    def close(key, t):
        if key in sounding:
            start, vel = sounding.pop(key)
            released.discard(key)
            result.append((start, t, key % 128, vel, key // 128))

    for msg in mid:  # merged tracks, msg.time = seconds since the previous message
        now += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            if msg.channel == 9 and not keep_drums:
                continue
            key = msg.channel * 128 + msg.note
            close(key, now)
            sounding[key] = (now, msg.velocity)
        elif msg.type == "note_off" or (msg.type == "note_on" and msg.velocity == 0):
            key = msg.channel * 128 + msg.note
            if key not in sounding:
                continue
            if sustain and pedal[msg.channel]:
                released.add(key)
            else:
                close(key, now)
        elif sustain and msg.type == "control_change" and msg.control == 64:
            down = msg.value >= 64
            if pedal[msg.channel] and not down:
                for key in sorted(k for k in released if k // 128 == msg.channel):
                    close(key, now)
            pedal[msg.channel] = down
    for key in sorted(sounding):
        close(key, max(now, sounding[key][0]))
    result.sort(key=lambda n: (n[0], n[4], n[2], n[1]))
    return result


def row(n):
    start, end, pitch, vel, ch = n
    return [round(start, 6), round(end, 6), pitch, vel, ch]


files = {}
for path in sorted(glob.glob(os.path.join(FIXTURES, "*.mid"))):
    mid = mido.MidiFile(path)
    raw = notes(mid, keep_drums=True, sustain=False)
    played = notes(mid, keep_drums=False, sustain=True)
    channels = {}
    for n in raw:
        channels[str(n[4])] = channels.get(str(n[4]), 0) + 1
    files[os.path.basename(path)] = {
        "format": mid.type,
        "ticksPerQuarter": mid.ticks_per_beat,
        "seconds": round(mid.length, 6),
        "notes": len(raw),
        "notesPerChannel": channels,
        "sumOfOnsets": round(sum(n[0] for n in raw), 6),
        "sumOfOffsets": round(sum(n[1] for n in raw), 6),
        "first": [row(n) for n in raw[:HEAD]],
        "last": [row(n) for n in raw[-TAIL:]],
        "playedNotes": len(played),
        "playedSumOfDurations": round(sum(n[1] - n[0] for n in played), 6),
    }

text = json.dumps({
        "generator": "scripts/make_notes_golden.py with mido " + importlib.metadata.version("mido"),
        "note": "raw = all channels, no pedal; played = drums dropped, sustain pedal applied; rows are [start s, end s, pitch, velocity, channel]",
        "files": files,
    }, indent=1)
# One note row per line keeps the file short and diffable.
text = re.sub(r"\[\s+([^\[\]]*?)\s+\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
with open(OUT, "w") as f:
    f.write(text + "\n")
print("wrote", OUT, len(files), "files")
