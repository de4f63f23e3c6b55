#!/usr/bin/env bash
# The main job on the bundled fixtures: installs what is missing, builds a release seqgen, and
# runs `seqgen demo` — a small model per domain (text, handwriting, notes, audio), samples
# from each, and a gallery page (demo/index.html). About 15 minutes on 2 cores; pass --quick
# for a one-minute smoke run. Extra arguments go to `seqgen demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release --product seqgen
.build/release/seqgen demo "$@"
