#!/usr/bin/env python3
"""How well a notes run keeps to the controls it is asked for (issue: music you can steer).

    ~/m21env/bin/pip install pretty_midi        # or any venv with pretty_midi
    ~/m21env/bin/python scripts/obedience.py RUN [--seqgen .build/release/seqgen]
        [--count 20] [--seconds 30] [--label NAME] [--temperature 1] [--only voices,key]

For each setting it generates --count pieces of --seconds (seeds 1..count, no prime) and
measures what was played over those seconds: note density (notes starting per second), the
fraction of notes inside the requested key's scale, mean velocity, voices (notes sounding at
once, time-weighted), and the fraction of notes on a beat (within 60 ms, at 120 bpm) that are
tones of the chord requested there; then the 12-bar blues of Eck & Schmidhuber (C7 C7 C7 C7 |
F7 F7 C7 C7 | G7 F7 C7 C7, a bar of 4 beats each) bar by bar. Beside each request it prints
the same figure for the pieces made with every control free: the chance level. Prints
Markdown tables.

The issue's goal: density within 15% of the request, at least 90% of notes in key, at least
70% chord tones on beats, where the free model scores near chance.
"""
import argparse
import os
import statistics
import subprocess
import tempfile

import pretty_midi

SCALES = {"major": [0, 2, 4, 5, 7, 9, 11], "minor": [0, 2, 3, 5, 7, 8, 10]}
NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
QUALITIES = {"": [0, 4, 7], "m": [0, 3, 7], "7": [0, 4, 7, 10], "maj7": [0, 4, 7, 11], "m7": [0, 3, 7, 10]}
BLUES = "C7 C7 C7 C7 F7 F7 C7 C7 G7 F7 C7 C7"
BPM = 120


def chord_tones(name):
    pc = NAMES[name[0]]
    rest = name[1:]
    if rest[:1] in ("#", "b"):
        pc += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    return {(pc + i) % 12 for i in QUALITIES[rest]}


def on_beats(notes, chords, beats_per_chord, seconds):
    """(bar index, whether a chord tone) for every note that starts on a beat."""
    beat = 60 / BPM
    result = []
    for start, pitch in notes:
        k = round(start / beat)
        if abs(start - k * beat) > 0.06 or start >= seconds:
            continue
        chord = chords[(k // beats_per_chord) % len(chords)]
        result.append((k // beats_per_chord, pitch % 12 in chord_tones(chord)))
    return result


def scale(key):
    tonic, mode = key.split()
    pc = NAMES[tonic[0].upper()] + (1 if "#" in tonic else -1 if tonic.endswith("b") and len(tonic) > 1 else 0)
    return {(pc + s) % 12 for s in SCALES[mode]}


def measure(path, seconds):
    notes = [n for i in pretty_midi.PrettyMIDI(path).instruments for n in i.notes if n.start < seconds]
    if not notes:
        return {"density": 0.0, "pcs": [], "velocity": 0.0, "voices": 0.0, "onsets": []}
    sounding = sum(max(0.0, min(n.end, seconds) - n.start) for n in notes) / seconds
    return {"density": len(notes) / seconds, "pcs": [n.pitch % 12 for n in notes],
            "velocity": statistics.mean(n.velocity for n in notes), "voices": sounding,
            "onsets": [(n.start, n.pitch) for n in notes]}


def chord_fraction(results, chords, beats_per_chord, seconds):
    hits = [hit for r in results for _, hit in on_beats(r["onsets"], chords, beats_per_chord, seconds)]
    return sum(hits) / max(1, len(hits)), len(hits)


def generate(args, folder, name, flags):
    results = []
    for seed in range(1, args.count + 1):
        out = os.path.join(folder, f"{name}-{seed}.mid")
        cmd = [args.seqgen, "generate", args.run, "--out", out, "--seconds", str(args.seconds), "--seed", str(seed),
               "--temperature", str(args.temperature)] + flags
        if args.label:
            cmd += ["--label", args.label]
        subprocess.run(cmd, check=True, capture_output=True)
        results.append(measure(out, args.seconds))
    return results


def in_key(results, key):
    pcs = [p for r in results for p in r["pcs"]]
    return sum(p in scale(key) for p in pcs) / max(1, len(pcs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--seqgen", default=".build/release/seqgen")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--label")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--densities", default="1,2,4,8")
    parser.add_argument("--keys", default="D minor,A major,Eb major")
    parser.add_argument("--chords", default="Am F C G")
    parser.add_argument("--voices", default="2,4")
    parser.add_argument("--only", default="density,key,dynamics,voices,chords,blues",
                        help="the requests to measure, comma-separated")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as folder:
        free = generate(args, folder, "free", [])
        rows = []
        for d in [float(x) for x in args.densities.split(",")] if "density" in wanted else []:
            got = generate(args, folder, f"density{d}", ["--density", str(d)])
            errors = [abs(r["density"] - d) / d for r in got]
            chance = [abs(r["density"] - d) / d for r in free]
            rows.append((f"density {d:g}/s", f"{statistics.mean(r['density'] for r in got):.2f}/s, "
                         f"median error {100 * statistics.median(errors):.0f}%",
                         f"{statistics.mean(r['density'] for r in free):.2f}/s, "
                         f"median error {100 * statistics.median(chance):.0f}%"))
        for key in args.keys.split(",") if "key" in wanted else []:
            got = generate(args, folder, "key" + key.replace(" ", ""), ["--key", key])
            rows.append((f"key {key}", f"{100 * in_key(got, key):.1f}% in key", f"{100 * in_key(free, key):.1f}%"))
        for dyn, velocity in [("soft", 40), ("loud", 100)] if "dynamics" in wanted else []:
            got = generate(args, folder, dyn, ["--dynamics", dyn])
            rows.append((f"dynamics {dyn} ({velocity})", f"mean velocity {statistics.mean(r['velocity'] for r in got):.0f}",
                         f"{statistics.mean(r['velocity'] for r in free):.0f}"))
        for voices in [float(x) for x in args.voices.split(",")] if "voices" in wanted else []:
            got = generate(args, folder, f"voices{voices}", ["--voices", f"{voices:g}"])
            rows.append((f"voices {voices:g}", f"{statistics.mean(r['voices'] for r in got):.2f} sounding",
                         f"{statistics.mean(r['voices'] for r in free):.2f}"))
        if "chords" in wanted:
            progression = args.chords.split()
            got = generate(args, folder, "chords", ["--chords", args.chords, "--beats-per-chord", "2"])
            fraction, n = chord_fraction(got, progression, 2, args.seconds)
            chance, _ = chord_fraction(free, progression, 2, args.seconds)
            rows.append((f"chords {args.chords} (2 beats each)",
                         f"{100 * fraction:.1f}% chord tones on beats ({n} notes)", f"{100 * chance:.1f}%"))
        blues = BLUES.split()
        bars = 12 * 4 * 60 / BPM
        seconds = args.seconds
        if "blues" in wanted:
            args.seconds = bars
            got = generate(args, folder, "blues", ["--chords", BLUES, "--beats-per-chord", "4"])
            blues_free = generate(args, folder, "bluesfree", [])
    print(f"{args.run}: {args.count} pieces of {seconds:g} s per setting, temperature {args.temperature}"
          + (f", label {args.label}" if args.label else ""))
    print("| request | achieved | every control free (chance) |")
    print("|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if "blues" not in wanted:
        return
    print()
    print(f"12-bar blues ({BLUES}, 4 beats each at {BPM} bpm): chord tones among notes on beats, per bar")
    print("| bar | chord | requested | free |")
    print("|---|---|---|---|")
    for bar in range(12):
        def fraction(results):
            hits = [hit for r in results for b, hit in on_beats(r["onsets"], blues, 4, bars) if b == bar]
            return f"{100 * sum(hits) / max(1, len(hits)):.0f}% of {len(hits)}"
        print(f"| {bar + 1} | {blues[bar]} | {fraction(got)} | {fraction(blues_free)} |")


if __name__ == "__main__":
    main()
