#!/usr/bin/env python3
"""Strong-scaling model of data-parallel `seqgen train` on N machines (docs/training-on-several-machines.md).

For each configuration: the measured step time of one machine (t1, the plain 2-thread run of
scripts/bench_mpi.sh), the gradient size G, and the global batch B (N may not exceed it). A step
on N machines takes

    T(N) = t1 / N / e(B/N)  +  2(N-1)/N * G / (eta * link)  +  2(N-1) * alpha

the compute shared out, each machine running B/N streams at the relative throughput e(b) that
one machine measured at batch b (2x512, `seqgen train text --batch-size b`, chars/s against
batch 64: the products of a small batch use the cores less well), then a ring allreduce that is
not overlapped with the backward pass (SeqGen reduces once, after it). eta is the share of the
link TCP delivers, alpha the per-message latency.

Usage: scripts/mpi_scaling_model.py  (edit CONFIGS to your own bench_mpi.sh figures)
"""

# name, parameters, one machine's step time in seconds, global batch (streams)
CONFIGS = [
    ("1x128 b32", 115_276, 32 * 100 / 411_643, 32),
    ("2x256 b32", 887_884, 32 * 100 / 44_538, 32),
    ("2x512 b64", 3_348_556, 64 * 100 / 13_130, 64),
    ("3x2048 b64", 84_713_548, 13.2, 64),
    # The largest that fits 24 GiB at batch 64: 526M parameters, ~8.4 GB of weights, gradients
    # and Adam moments, ~3 GB of activations, ~6 GB of copies while a checkpoint is written.
    # Its step time is 3x2048's scaled by the parameters, not measured.
    ("3x5120 b64 (extrapolated)", 526_074_945, 13.2 * 526_074_945 / 84_713_548, 64),
]
# Relative throughput at b streams per machine (2x512, AMD EPYC family 26, 2 cores):
# chars/s 12,181 (b64), 12,890 (32), 11,451 (16), 6,562 (8), 5,847 (4), 4,316 (2), 1,073 (1).
EFFICIENCY = {64: 1.0, 32: 1.06, 16: 0.94, 8: 0.54, 4: 0.48, 2: 0.35, 1: 0.09}
LINKS = [("10 Gb/s", 10e9 / 8), ("25 Gb/s", 25e9 / 8)]
ETA = 0.9
ALPHA = 30e-6
MACHINES = [1, 2, 4, 8, 16, 32, 64]


def efficiency(streams):
    """e(b) at the largest measured batch not above b (64 and more: 1)."""
    return EFFICIENCY[max(b for b in EFFICIENCY if b <= streams)]


def step_time(t1, grad_bytes, n, batch, link):
    if n == 1:
        return t1
    compute = t1 / n * efficiency(batch) / efficiency(batch // n)
    return compute + 2 * (n - 1) / n * grad_bytes / (ETA * link) + 2 * (n - 1) * ALPHA


def main():
    header = "| config | link | " + " | ".join(f"N={n}" for n in MACHINES) + " | best N (speedup) | N at 50% efficiency |"
    print(header)
    print("|" + "---|" * (len(MACHINES) + 4))
    for name, params, t1, batch in CONFIGS:
        grad = 4 * params
        for link_name, link in LINKS:
            cells, best = [], (1, 1.0)
            half = None
            for n in (n for n in range(1, batch + 1) if batch % n == 0):
                s = t1 / step_time(t1, grad, n, batch, link)
                if s > best[1]:
                    best = (n, s)
                if half is None and s / n < 0.5:
                    half = n
            for n in MACHINES:
                cells.append(f"{t1 / step_time(t1, grad, n, batch, link):.1f}×" if n <= batch else "–")
            print(f"| {name} | {link_name} | " + " | ".join(cells)
                  + f" | {best[0]} ({best[1]:.1f}×) | {half if half else f'>{batch}'} |")
    print()
    print("Weak scaling: every machine keeps the batch B, the global batch is N x B (a different run).")
    print()
    print("| config | link | " + " | ".join(f"N={n}" for n in MACHINES[1:]) + " |")
    print("|" + "---|" * (len(MACHINES) + 1))
    for name, params, t1, batch in CONFIGS:
        for link_name, link in LINKS:
            cells = []
            for n in MACHINES[1:]:
                t = t1 + 2 * (n - 1) / n * 4 * params / (ETA * link) + 2 * (n - 1) * ALPHA
                cells.append(f"{n * t1 / t:.1f}× ({t1 / t:.0%})")
            print(f"| {name} | {link_name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
