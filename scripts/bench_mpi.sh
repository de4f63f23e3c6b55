#!/usr/bin/env bash
# Data-parallel training on this machine: scripts/bench_mpi.sh [LAYERSxHIDDENxBATCH ...]
# (default: the three `seqgen bench text` configurations). For each, a release `seqgen train
# text` on fixtures/text/shakespeare.txt (seq-length 100, no dropout) runs three ways:
#   1 process × 2 threads (the plain run), 1 process × 1 thread (taskset -c 0), and
#   mpirun -np 2 (2 ranks × 1 thread, each bound to a core);
# and the table gives chars/s of each, the allreduce time per step the ranks report, and the
# scaling efficiency: 2 ranks against 2 × one rank alone. Throughput is the second half of the
# timed steps (the first half includes warm-up). Needs openmpi-bin (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(1x128x32 2x256x32 2x512x64)
if ! built=$(swift build -c release --product seqgen 2>&1); then echo "$built" | tail -20; exit 1; fi
seqgen=$(swift build -c release --show-bin-path)/seqgen
command -v mpirun > /dev/null || { echo "error: mpirun not found (install openmpi-bin)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpu() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'; }
echo "CPU: $(cpu 'model name') (family $(cpu 'cpu family'), model $(cpu 'model\s')), $(nproc) cores; $(mpirun --version | head -1)"

# chars/s and allreduce ms/step of the last metrics record of a run.
last() { python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][-1]; print(r["itemsPerSecond"], r.get("reduceMsPerStep", 0))' "$1/metrics.jsonl"; }

printf '%-10s %10s %9s %14s %14s %14s %9s %11s %10s %10s\n' config parameters "grad MB" "1×2thr chars/s" "1×1thr chars/s" "2×1thr chars/s" speedup "step ms" "allreduce" efficiency
for config in "${configs[@]}"; do
  IFS=x read -r layers hidden batch <<< "$config"
  steps=$((hidden >= 512 ? 24 : 60))
  args=(--data fixtures/text/shakespeare.txt --num-layers "$layers" --hidden-size "$hidden" --batch-size "$batch"
    --seq-length 100 --dropout 0 --steps "$steps" --log-every $((steps / 2)) --checkpoint-every 1000000 --val-fraction 0.01)
  "$seqgen" train text "${args[@]}" --out "$work/$config-2t" > /dev/null
  taskset -c 0 "$seqgen" train text "${args[@]}" --out "$work/$config-1t" > /dev/null
  mpirun -np 2 --bind-to core "$seqgen" train text "${args[@]}" --out "$work/$config-mpi" > "$work/$config-mpi.log"
  read -r two _ <<< "$(last "$work/$config-2t")"
  read -r one _ <<< "$(last "$work/$config-1t")"
  read -r mpi reduce <<< "$(last "$work/$config-mpi")"
  params=$(sed -n 's/.* LSTM, \([0-9,]*\) parameters.*/\1/p' "$work/$config-mpi.log" | head -1 | tr -d ,)
  python3 - "$config" "$params" "$two" "$one" "$mpi" "$reduce" "$batch" << 'PY'
import sys
config, params, two, one, mpi, reduce, batch = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:7]), int(sys.argv[7])
step_ms = 1000 * batch * 100 / mpi
print(f"{config:<10} {params:>10,} {params * 4 / 1e6:>9.2f} {two:>14,.0f} {one:>14,.0f} {mpi:>14,.0f} {mpi / two:>8.2f}× {step_ms:>11.1f} {reduce:>7.2f} ms {mpi / (2 * one):>9.0%}")
PY
done
echo "speedup: 2 ranks against the plain run; efficiency: 2 ranks against twice one rank alone (1 thread)."
