#!/usr/bin/env python3
"""Char against word models of one corpus at equal wall time, in bits per character of text
none of them trained on.

The corpus is cut in two: the first 95% trains (its own tail is the run's validation, which
picks the best checkpoint), the last 5% is held out. Each recipe is timed alone first (seconds
per step between two log lines), then trained for as many steps as fit in --budget seconds,
once per seed; its best checkpoint is evaluated with `seqgen eval` on the held-out part (same
style) and on every --other file (another style), and the bits per character read from its
report: a char model's own unit; for a word model the figure with every `<unk>` also spelled
out at the training text's character frequencies (an unknown word costs its spelling, not one
cheap `<unk>`), counted on the same text.

    python3 scripts/word_vs_char.py --budget 300 --seeds 2 \\
        --other /tmp/mark.txt \\
        --recipe char= --recipe word='--tokens word' --recipe word-min3='--tokens word --min-count 3'

Needs only the standard library and a built `seqgen` (SEQGEN, or .build/release/seqgen).
"""

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, log):
    with open(log, "w") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=True)
    return open(log).read()


def bits_per_char(report):
    spelled = re.search(r"([0-9.]+) bits/char with every <unk> also spelled out", report)
    if spelled:
        return float(spelled.group(1))
    word = re.search(r"= ([0-9.]+) bits/char", report)
    if word:
        return float(word.group(1))
    return float(re.search(r"= ([0-9.]+) bits/char over", report).group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.join(ROOT, "fixtures/text/shakespeare.txt"))
    p.add_argument("--other", nargs="*", default=[], help="held-out files of another style")
    p.add_argument("--budget", type=float, required=True, help="seconds of training per run")
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--recipe", action="append", required=True,
                   help="name=flags; name@STEPS=flags trains STEPS steps (from an earlier timing) without timing")
    p.add_argument("--timing-steps", type=int, default=60)
    p.add_argument("--out", default="/tmp/word-vs-char")
    args = p.parse_args()
    seqgen = os.environ.get("SEQGEN", os.path.join(ROOT, ".build/release/seqgen"))
    os.makedirs(args.out, exist_ok=True)
    text = open(args.data, encoding="utf-8").read()
    cut = text.rfind("\n", 0, int(len(text) * 0.95)) + 1
    train_file = os.path.join(args.out, "train.txt")
    same_file = os.path.join(args.out, "heldout.txt")
    open(train_file, "w", encoding="utf-8").write(text[:cut])
    open(same_file, "w", encoding="utf-8").write(text[cut:])
    tests = [("same style", same_file)] + [(os.path.basename(o), o) for o in args.other]

    # Every recipe is timed before any trains, so the timings share one quiet moment.
    plans = []
    for recipe in args.recipe:
        name, _, flags = recipe.partition("=")
        flags = shlex.split(flags)
        if "@" in name:
            name, _, given = name.partition("@")
            plans.append((name, flags, int(given)))
            continue
        timing = os.path.join(args.out, f"{name}-timing")
        subprocess.run(["rm", "-rf", timing], check=True)
        n = args.timing_steps
        run([seqgen, "train", "text", "--data", train_file, "--out", timing, *flags, "--steps", str(n),
             "--log-every", "10", "--checkpoint-every", str(n)], timing + ".log")
        rows = [json.loads(l) for l in open(os.path.join(timing, "metrics.jsonl")) if l.strip()]
        rows = [r for r in rows if "elapsedSeconds" in r and "validationBits" not in r]
        first = next(r for r in rows if r["step"] >= n // 5)
        per_step = (rows[-1]["elapsedSeconds"] - first["elapsedSeconds"]) / (rows[-1]["step"] - first["step"])
        steps = max(1, int(args.budget / per_step))
        print(f"{name}: {per_step * 1000:.0f} ms/step → {steps} steps in {args.budget:.0f} s", flush=True)
        plans.append((name, flags, steps))

    results = {}
    for name, flags, steps in plans:
        for seed in range(args.seeds):
            out = os.path.join(args.out, f"{name}-seed{seed}")
            subprocess.run(["rm", "-rf", out], check=True)
            run([seqgen, "train", "text", "--data", train_file, "--out", out, *flags, "--steps", str(steps),
                 "--seed", str(seed), "--checkpoint-every", str(max(1, steps // 10))], out + ".log")
            for label, path in tests:
                report = run([seqgen, "eval", out, "--checkpoint", "best", "--data", path],
                             out + f"-eval-{label.replace(' ', '-')}.log")
                results.setdefault((name, label), []).append(bits_per_char(report))
                print(f"{name} seed {seed} {label}: {results[(name, label)][-1]:.4f} bits/char", flush=True)

    print()
    print("| recipe | " + " | ".join(f"{label} bits/char (seeds; mean)" for label, _ in tests) + " |")
    print("|---|" + "---|" * len(tests))
    for name, _, _ in plans:
        cells = []
        for label, _ in tests:
            v = results[(name, label)]
            cells.append(", ".join(f"{x:.3f}" for x in v) + f"; **{statistics.mean(v):.3f}**")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
