#!/usr/bin/env python3
"""Does an audio run's speech keep moving, or settle into one held vowel? (issue 20, item 6)

Generates clips of --seconds for seeds 1..--seeds (`seqgen generate RUN --seed S`, plus any
extra flags after `--`) and measures the SECOND HALF of each, where a drone would have set in,
against the second half of every file of the speech fixture:

- level spread: the standard deviation in dB of the 20 ms RMS levels above -50 dBFS (the same
  figure `seqgen generate` prints for a whole clip);
- voiced: the fraction of 40 ms frames (hop 20 ms) louder than -45 dBFS whose normalised
  autocorrelation peaks above 0.5 at a pitch period of 60-400 Hz (after its first zero crossing);
- pitch movement: the interquartile range, in semitones, of those voiced frames' pitch (robust
  to the odd octave error of an autocorrelation pitch);
- longest hold: the longest run of consecutive voiced frames whose pitch stays within two
  semitones of the run's mean (a lag step at 8 kHz is half a semitone at 250 Hz), in seconds
  (a held vowel: a second or more; speech: about a syllable).

Needs numpy and soundfile (pip) and a release seqgen; not used by CI.

    python3 scripts/audio_variety.py runs/speech --seeds 10 --seconds 5 -- --checkpoint latest
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile


def frames(x, length, hop):
    return [x[i : i + length] for i in range(0, len(x) - length + 1, hop)]


def db(frame):
    r = np.sqrt(np.mean(frame.astype(np.float64) ** 2))
    return 20 * np.log10(max(r, 1e-12))


def level_spread(x, rate):
    levels = [db(f) for f in frames(x, rate // 50, rate // 50)]
    levels = [v for v in levels if v > -50]
    return float(np.std(levels)) if len(levels) >= 2 else float("nan")


def pitch(x, start, length, min_lag, max_lag):
    a = x[start : start + length].astype(np.float64)
    best, best_lag, crossed = 0.0, None, False
    for lag in range(1, max_lag + 1):
        b = x[start + lag : start + lag + length].astype(np.float64)
        den = np.sqrt(np.dot(a, a) * np.dot(b, b))
        r = np.dot(a, b) / den if den > 0 else 0.0
        if r < 0:
            crossed = True
        if crossed and lag >= min_lag and r > best:
            best, best_lag = r, lag
    return best, best_lag


def voicing(x, rate):
    length, hop = rate // 25, rate // 50
    min_lag, max_lag = rate // 400, rate // 60
    loud = voiced = 0
    semitones = []
    run, longest = [], 0
    for start in range(0, len(x) - length - max_lag + 1, hop):
        if db(x[start : start + length]) <= -45:
            continue
        loud += 1
        r, lag = pitch(x, start, length, min_lag, max_lag)
        if r > 0.5 and lag:
            voiced += 1
            st = 12 * np.log2(rate / lag)
            semitones.append(st)
            run = run + [st] if run and abs(st - np.mean(run)) < 2 else [st]
        else:
            run = []
        longest = max(longest, len(run))
    fraction = voiced / loud if loud else float("nan")
    movement = float(np.subtract(*np.percentile(semitones, [75, 25]))) if len(semitones) >= 4 else float("nan")
    return fraction, movement, longest * hop / rate


def second_half(path):
    x, rate = soundfile.read(path, dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    return x[len(x) // 2 :], rate


def measure(path):
    x, rate = second_half(path)
    return (level_spread(x, rate),) + voicing(x, rate)


def summary(name, rows):
    a = np.array(rows, dtype=np.float64)
    med = np.nanmedian(a, axis=0)
    lo, hi = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    print(
        f"{name:<28} {len(rows):>3}  level spread {med[0]:5.1f} dB ({lo[0]:.1f}-{hi[0]:.1f})  "
        f"voiced {med[1]:4.2f} ({lo[1]:.2f}-{hi[1]:.2f})  pitch movement {med[2]:4.1f} st ({lo[2]:.1f}-{hi[2]:.1f})  "
        f"longest hold {med[3]:4.2f} s ({lo[3]:.2f}-{hi[3]:.2f})"
    )


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--speech", default="fixtures/audio/speech")
    p.add_argument("--seqgen", default=".build/release/seqgen")
    p.add_argument("--out", help="folder to keep the clips in")
    args = p.parse_args(argv)
    work = args.out or tempfile.mkdtemp(prefix="variety-")
    os.makedirs(work, exist_ok=True)
    rows = []
    print(f"{'':<28} {'n':>3}  medians (min-max), second halves")
    for seed in range(1, args.seeds + 1):
        clip = os.path.join(work, f"clip-s{seed}.wav")
        subprocess.run(
            [args.seqgen, "generate", args.run, "--out", clip, "--seconds", str(args.seconds), "--seed", str(seed)]
            + extra,
            check=True, stdout=subprocess.DEVNULL,
        )
        rows.append(measure(clip))
        s, v, m, h = rows[-1]
        print(f"  seed {seed:<3} level spread {s:5.1f} dB  voiced {v:4.2f}  pitch movement {m:4.1f} st  longest hold {h:4.2f} s")
    summary(f"{os.path.basename(os.path.normpath(args.run))} ({args.seconds:g} s clips)", rows)
    speech = sorted(glob.glob(os.path.join(args.speech, "*.flac")) + glob.glob(os.path.join(args.speech, "*.wav")))
    if speech:
        summary("speech fixture (per file)", [measure(f) for f in speech])
    if not args.out:
        for name in os.listdir(work):
            os.remove(os.path.join(work, name))
        os.rmdir(work)


if __name__ == "__main__":
    main()
