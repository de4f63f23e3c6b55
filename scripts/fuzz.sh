#!/usr/bin/env bash
# Fuzzes SeqGen's readers with libFuzzer + AddressSanitizer (swiftc -sanitize=fuzzer,address).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      explore (default 60 s each), random seeds
#   scripts/fuzz.sh --ci                       the fixed, repeatable pass CI runs (seeded, fixed run count)
#   scripts/fuzz.sh SECONDS ink,midi           only the named targets
# Seed corpora come from fixtures/; crashes are written to fixtures/fuzz/<target>/ — each one is a
# regression input that scripts/fuzz.sh --ci replays and must survive.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-60}
only=${2:-}
export ASAN_OPTIONS=detect_leaks=0  # see the note on leak checks below
# Swift's crash backtracer can stall under ASan; libFuzzer prints its own stack trace.
export SWIFT_BACKTRACE=enable=no
out=.build-fuzz
mkdir -p "$out"
blas_include=$(pkg-config --cflags-only-I openblas | sed 's/-I//')
engine=(Sources/SeqGenEngine/*.swift)
common=(-O -sanitize=fuzzer,address -parse-as-library -module-name SeqGenFuzz -I Sources/CBLAS -Xcc -I"$blas_include" -lopenblas)

selected() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
build() { # name, sources... [-- extra swiftc flags...]
  local name=$1; shift
  selected "$name" || return 0
  local sources=() flags=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do sources+=("$1"); shift; done
  [ $# -gt 0 ] && shift && flags=("$@")
  if [ -e "$out/$name" ] && [ -z "$(find "${sources[@]}" -newer "$out/$name")" ]; then return 0; fi
  echo "building $name"
  swiftc "${common[@]}" "${flags[@]}" "${sources[@]}" -o "$out/$name" 2> >(grep -v "Cannot export local symbol" >&2)
}
build checkpoint "${engine[@]}" Fuzz/CheckpointFuzzer.swift
# Domain sources join the engine in one module here, so their `import SeqGenEngine` goes (and
# the notes renderer, which needs FluidSynth and libsndfile, stays out).
domain_sources() { # domain folder -> copies under $out/src-<folder>
  local dir="$out/src-$1"
  mkdir -p "$dir"
  for f in domains/$1/Sources/*.swift; do
    case "$f" in *NoteRenderer.swift) continue ;; esac
    # Copied only when changed, so an unchanged domain does not trigger a rebuild.
    sed '/^import SeqGenEngine$/d' "$f" > "$dir/.next"
    if cmp -s "$dir/.next" "$dir/$(basename "$f")"; then rm "$dir/.next"; else mv "$dir/.next" "$dir/$(basename "$f")"; fi
  done
  echo "$dir"/*.swift
}
build text "${engine[@]}" $(domain_sources Text) Fuzz/TextFuzzer.swift
build midi "${engine[@]}" $(domain_sources Notes) Fuzz/MIDIFuzzer.swift
build ink "${engine[@]}" $(domain_sources Handwriting) Fuzz/InkFuzzer.swift
sndfile=(-I Sources/CSndFile -I Sources/CSampleRate $(pkg-config --cflags-only-I sndfile samplerate | sed 's/-I/-Xcc -I/g') -lsndfile -lsamplerate)
build audio Sources/SoundFile/*.swift Fuzz/AudioFuzzer.swift -- "${sndfile[@]}"

run() { # name, seed corpus dirs...
  local name=$1; shift
  selected "$name" || return 0
  local work="$out/corpus-$name" crashes="fixtures/fuzz/$name"
  # The CI pass starts from the seed corpora alone, so every machine replays the same inputs.
  if [ "$mode" = "--ci" ]; then work=$(mktemp -d); fi
  mkdir -p "$work" "$crashes"
  # Leak checks are off: swift-foundation's Data(contentsOf:) leaks its 4 KB buffer on an empty
  # file (seen in this fuzzer, not SeqGen's code); crashes, overflows and traps still stop the run.
  local args=(-artifact_prefix="$crashes/" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=1024 -detect_leaks=0)
  if [ "$mode" = "--ci" ]; then
    # Replay every saved regression input, then a fixed, seeded run from the seed corpus alone.
    if compgen -G "$crashes/*" > /dev/null; then "$out/$name" "${args[@]}" "$crashes"/*; fi
    "$out/$name" "${args[@]}" -seed=1 -runs=20000 "$work" "$@" 2>&1 | tail -1
  else
    "$out/$name" "${args[@]}" -max_total_time="$mode" "$work" "$@" 2>&1 | tail -2
  fi
}
run checkpoint fixtures/reference
run text fixtures/text
run midi fixtures/notes/openmsx
run ink fixtures/handwriting/hershey-lines
run audio fixtures/fuzz/seeds/audio fixtures/audio/drums
