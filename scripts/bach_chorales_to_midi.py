#!/usr/bin/env python3
"""Write the Bach chorales of music21's corpus as Standard MIDI Files, for training runs.

    python3 -m venv ~/m21env && ~/m21env/bin/pip install music21
    ~/m21env/bin/python scripts/bach_chorales_to_midi.py OUT_DIR [--limit N]

Each chorale becomes OUT_DIR/bwvNNN.mid (all parts, the score's own tempo or 100 bpm).
The converted files are not committed: music21's corpus leaves each encoding's terms to its
own notes, so they are made on the machine that trains.
"""
import argparse
import os
import sys

from music21 import corpus, tempo


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    paths = [p for p in corpus.getComposer("bach") if str(p).endswith((".mxl", ".xml", ".krn"))]
    written = 0
    for path in sorted(paths, key=str):
        name = os.path.splitext(os.path.basename(str(path)))[0].replace(".", "_")
        target = os.path.join(args.out, name + ".mid")
        if os.path.exists(target):
            written += 1
            continue
        try:
            score = corpus.parse(path)
            if not score.recurse().getElementsByClass(tempo.MetronomeMark):
                score.insert(0, tempo.MetronomeMark(number=100))
            score.write("midi", fp=target)
            written += 1
        except Exception as error:  # a file music21 cannot parse is skipped, and said
            print(f"skipped {path}: {error}", file=sys.stderr)
        if args.limit and written >= args.limit:
            break
    print(f"wrote {written} MIDI files to {args.out}")


if __name__ == "__main__":
    main()
