#!/usr/bin/env python3
"""Compare training recipes at equal wall time, over several seeds.

Each recipe is first timed alone (a short run; seconds per step from its metrics between
two log lines, so start-up and validation do not count), then trained for as many steps as
fit in --budget seconds, once per seed. The table gives every seed's best validation loss
(bits per step, from metrics.jsonl) and their mean. Step counts come from the timing runs,
so the comparison holds even if the machine is busier during the training runs.

    python3 scripts/equal_time.py text --data fixtures/text/shakespeare.txt --budget 42 \\
        --seeds 3 --recipe default= --recipe 2x256='--hidden-size 256' [-- common flags]

Needs only the standard library and a built `seqgen` (SEQGEN, or .build/release/seqgen).
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def metrics(run):
    with open(os.path.join(run, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def train(seqgen, domain, data, run, flags, log):
    cmd = [seqgen, "train", domain, "--data", *data, "--out", run, *flags]
    with open(log, "w") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=True)


def seconds_per_step(seqgen, args, name, flags):
    run = os.path.join(args.out, f"{name}-timing")
    subprocess.run(["rm", "-rf", run], check=True)
    steps = args.timing_steps
    train(seqgen, args.domain, args.data, run,
          flags + ["--steps", str(steps), "--log-every", "10", "--checkpoint-every", str(steps)],
          run + ".log")
    rows = [m for m in metrics(run) if "elapsedSeconds" in m and "validationBits" not in m]
    first = next(m for m in rows if m["step"] >= steps // 5)
    last = rows[-1]
    return (last["elapsedSeconds"] - first["elapsedSeconds"]) / (last["step"] - first["step"])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain")
    p.add_argument("--data", nargs="+", required=True)
    p.add_argument("--budget", type=float, required=True, help="seconds of training per run")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--recipe", action="append", required=True,
                   help="name=flags (flags may be empty); name@MS=flags takes MS ms/step from an earlier timing")
    p.add_argument("--out", default="/tmp/equal-time")
    p.add_argument("--timing-steps", type=int, default=100)
    p.add_argument("common", nargs="*", help="flags every run gets (after --)")
    args = p.parse_args()
    seqgen = os.environ.get("SEQGEN", os.path.join(ROOT, ".build/release/seqgen"))
    os.makedirs(args.out, exist_ok=True)
    recipes = []
    for spec in args.recipe:
        name, _, flags = spec.partition("=")
        name, _, ms = name.partition("@")
        recipes.append((name, shlex.split(flags) + args.common, float(ms) / 1000 if ms else None))

    timed = []
    for name, flags, given in recipes:
        sps = given or seconds_per_step(seqgen, args, name, flags)
        steps = max(50, int(round(args.budget / sps / 50)) * 50)
        timed.append((name, flags, sps, steps))
        print(f"{name}: {sps * 1000:.1f} ms/step → {steps} steps in {args.budget:g} s", flush=True)

    print(f"\n| recipe | ms/step | steps | best validation bits/step per seed | mean | train s (mean) |")
    print("|---|---|---|---|---|---|")
    for name, flags, sps, steps in timed:
        bests, walls = [], []
        for seed in range(1, args.seeds + 1):
            run = os.path.join(args.out, f"{name}-s{seed}")
            subprocess.run(["rm", "-rf", run], check=True)
            every = max(10, steps // 6)
            start = time.time()
            train(seqgen, args.domain, args.data, run,
                  flags + ["--steps", str(steps), "--seed", str(seed), "--checkpoint-every", str(every)],
                  run + ".log")
            walls.append(time.time() - start)
            vals = [m["validationBits"] for m in metrics(run) if "validationBits" in m]
            bests.append(min(vals))
        per_seed = ", ".join(f"{b:.3f}" for b in bests)
        print(f"| {name} | {sps * 1000:.1f} | {steps} | {per_seed} | {statistics.mean(bests):.3f} "
              f"| {statistics.mean(walls):.0f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
