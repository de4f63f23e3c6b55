#!/usr/bin/env bash
# Fuzzes SeqGen's readers (and the playground's request decoding) with libFuzzer + AddressSanitizer (swiftc -sanitize=fuzzer,address).
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
common=(-O -sanitize=fuzzer,address -enable-bare-slash-regex -parse-as-library -module-name SeqGenFuzz -I Sources/CBLAS -Xcc -I"$blas_include" -lopenblas)

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
# The engine (with the modules it imports) and a domain join in one module here, so the
# imports between them go (the notes renderer, which needs FluidSynth and libsndfile, and the
# notes generation pipeline that renders through it stay out). The AVX-512 kernels are built
# without SEQGEN_AVX512, so they stay switched off.
module_copy() { # name, source folders -> copies under $out/src-<name>
  local dir="$out/src-$1"; shift
  mkdir -p "$dir"
  for f in $(for d in "$@"; do if [ -d "$d" ]; then echo "$d"/*.swift; else echo "$d"; fi; done); do
    case "$f" in *NoteRenderer.swift | *NoteDomain+Generation.swift) continue ;; esac
    # Copied only when changed, so unchanged sources do not trigger a rebuild.
    sed -E '/^import (SeqGenEngine|LSTMMath|AVX512Kernels|SentencePiece)$/d' "$f" > "$dir/.next"
    if cmp -s "$dir/.next" "$dir/$(basename "$f")"; then rm "$dir/.next"; else mv "$dir/.next" "$dir/$(basename "$f")"; fi
  done
  echo "$dir"/*.swift
}
engine=(Sources/SeqGenEngine Sources/LSTMMath Sources/AVX512Kernels)
build checkpoint $(module_copy engine "${engine[@]}") Fuzz/CheckpointFuzzer.swift
# SentencePiece's C shim, compiled with the fuzzer's instrumentation and given a module map.
shim="$out/csentencepiece"
mkdir -p "$shim"
printf 'module CSentencePiece {\n  header "%s"\n  export *\n}\n' "$PWD/Sources/CSentencePiece/include/CSentencePiece.h" > "$shim/module.modulemap"
if [ ! -e "$shim/shim.o" ] || [ Sources/CSentencePiece/shim.cpp -nt "$shim/shim.o" ]; then
  clang++ -c -O1 -fsanitize=fuzzer-no-link,address -I Sources/CSentencePiece/include Sources/CSentencePiece/shim.cpp -o "$shim/shim.o"
fi
sentencepiece=(-I "$shim" "$shim/shim.o" -lsentencepiece -lsentencepiece_train -lstdc++)
build text $(module_copy text "${engine[@]}" Sources/SentencePiece domains/Text/Sources) Fuzz/TextFuzzer.swift -- "${sentencepiece[@]}"
build tokenizer Sources/SentencePiece/*.swift Fuzz/TokenizerFuzzer.swift -- "${sentencepiece[@]}"
build midi $(module_copy midi "${engine[@]}" domains/Notes/Sources) Fuzz/MIDIFuzzer.swift
build ink $(module_copy ink "${engine[@]}" domains/Handwriting/Sources) Fuzz/InkFuzzer.swift
serve=(Sources/SeqGenServe/PlaygroundRequest.swift Sources/SeqGenServe/PlaygroundError.swift)
build playground $(module_copy playground "${engine[@]}" "${serve[@]}") Fuzz/PlaygroundFuzzer.swift
sndfile=(-I Sources/CSndFile -I Sources/CSampleRate $(pkg-config --cflags-only-I sndfile samplerate | sed 's/-I/-Xcc -I/g') -lsndfile -lsamplerate)
build audio Sources/SoundIO/*.swift Fuzz/AudioFuzzer.swift -- "${sndfile[@]}"
build speech Sources/SoundIO/*.swift Sources/Codec2/*.swift Fuzz/SpeechFuzzer.swift -- "${sndfile[@]}" -I Sources/CCodec2 $(pkg-config --cflags-only-I codec2 | sed 's/-I/-Xcc -I/g') -lcodec2

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
run tokenizer fixtures/fuzz/seeds/tokenizer
run midi fixtures/notes/openmsx
run ink fixtures/handwriting/hershey-lines
run playground fixtures/fuzz/seeds/playground
run audio fixtures/fuzz/seeds/audio fixtures/audio/drums
run speech fixtures/fuzz/seeds/audio fixtures/audio/speech
