#!/usr/bin/env bash
# The main job on the bundled fixtures: installs what is missing, builds a release seqgen,
# trains a small character model on Shakespeare for a few minutes and prints a sample.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release --product seqgen
bin=.build/release/seqgen
run=runs/shakespeare
if [ -f "$run/manifest.json" ]; then
  echo "using the existing run in $run (delete it to train again)"
else
  "$bin" train text --data fixtures/text/shakespeare.txt --out "$run"
fi
"$bin" generate "$run" --prime "ROMEO:" --length 600 --temperature 0.8
