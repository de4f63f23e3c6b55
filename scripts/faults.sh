#!/usr/bin/env bash
# Fault trials against a release `seqgen`: scripts/faults.sh [TRIALS] (default 10 per fault).
# Each fault is injected TRIALS times into a small text training run; a trial survives when the
# run directory still holds a loadable checkpoint afterwards and the fault's own check holds.
# Prints a table: fault, trials, survived. Exits non-zero if any trial did not survive.
set -uo pipefail
cd "$(dirname "$0")/.."
trials=${1:-10}
if ! built=$(swift build -c release --product seqgen 2>&1); then echo "$built" | tail -20; exit 1; fi
seqgen=$(swift build -c release --show-bin-path)/seqgen
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$work"' EXIT
corpus=fixtures/text/shakespeare.txt
small=(--hidden-size 48 --num-layers 2 --batch-size 4 --seq-length 16 --checkpoint-every 1 --log-every 1)

# The step a run's checkpoint holds ("progress step N …" in seqgen inspect), or nothing.
step_of() { "$seqgen" inspect "$1" 2> /dev/null | awk '$1 == "progress" { print $3; exit }'; }
# A trainer that keeps checkpointing until killed; waits for its first checkpoint.
start_trainer() { # run dir
  "$seqgen" train text --data "$corpus" --out "$1" --steps 1000000 --seed $RANDOM "${small[@]}" > /dev/null 2>&1 &
  for _ in $(seq 300); do [ -f "$1/model.safetensors" ] && return 0; sleep 0.05; done
}
declare -A survived

# kill -9 at a random moment (checkpoints every step, so often mid-write), then --resume.
fault_kill9() {
  local run=$work/kill$1
  start_trainer "$run"; local pid=$!
  sleep "0.$((RANDOM % 500))"; kill -9 "$pid"; wait "$pid" 2> /dev/null
  local step; step=$(step_of "$run") || return 1
  [ -n "$step" ] && "$seqgen" train text --out "$run" --resume --steps $((step + 2)) "${small[@]}" > /dev/null 2>&1 &&
    [ -z "$(ls "$run" | grep '\.tmp-')" ]
}
# A second trainer on a run in use is refused; after the first dies, a third may resume.
fault_lock() {
  local run=$work/lock$1
  start_trainer "$run"; local pid=$!
  local message; message=$("$seqgen" train text --out "$run" --resume --steps 1000000 "${small[@]}" 2>&1 > /dev/null)
  local refused=$?
  kill -9 "$pid"; wait "$pid" 2> /dev/null
  local step; step=$(step_of "$run")
  [ "$refused" -ne 0 ] && [[ "$message" == *"in use by another seqgen train"* ]] &&
    "$seqgen" train text --out "$run" --resume --steps $((step + 1)) "${small[@]}" > /dev/null 2>&1
}
# The disk fills while saving (a file-size limit below the checkpoint's size): one error line,
# the previous checkpoint byte-identical.
fault_disk() {
  local run=$work/disk$1
  "$seqgen" train text --data "$corpus" --out "$run" --steps 2 "${small[@]}" > /dev/null 2>&1 || return 1
  local before; before=$(sha256sum < "$run/model.safetensors")
  local limit=$(($(stat -c %s "$run/model.safetensors") / 2048))
  local message
  message=$(bash -c "trap '' XFSZ; ulimit -f $limit; exec \"\$0\" \"\$@\"" "$seqgen" train text --out "$run" --resume --steps 6 "${small[@]}" 2>&1 > /dev/null) && return 1
  [ "$(echo "$message" | wc -l)" -eq 1 ] && [ "$before" = "$(sha256sum < "$run/model.safetensors")" ]
}
# The run directory turns read-only mid-training: training stops with an error, checkpoint loads.
fault_readonly() {
  local run=$work/ro$1
  start_trainer "$run"; local pid=$!
  chmod a-w "$run"
  wait "$pid"; local status=$?
  chmod u+w "$run"
  [ "$status" -ne 0 ] && [ -n "$(step_of "$run")" ]
}
# Generation and inspection while a trainer replaces the checkpoint every step: never torn.
fault_readers() {
  local run=$work/read$1
  start_trainer "$run"; local pid=$!
  local ok=0
  for s in 1 2 3 4 5; do
    "$seqgen" generate "$run" --length 20 --seed "$s" > /dev/null 2>&1 && [ -n "$(step_of "$run")" ] || ok=1
  done
  kill -9 "$pid"; wait "$pid" 2> /dev/null
  return $ok
}

faults=(kill9 lock disk readonly readers)
[ "$(id -u)" -eq 0 ] && faults=(kill9 lock disk readers) # root ignores a read-only directory
failed=0
printf '%-10s %7s %9s\n' fault trials survived
for fault in "${faults[@]}"; do
  survived[$fault]=0
  for t in $(seq "$trials"); do
    if "fault_$fault" "$t"; then survived[$fault]=$((survived[$fault] + 1)); else failed=1; fi
  done
  printf '%-10s %7d %9d\n' "$fault" "$trials" "${survived[$fault]}"
done
exit $failed
