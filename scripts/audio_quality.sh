#!/usr/bin/env bash
# Generates clips from an audio run for seeds 1…N and summarises the loudness, spectral
# flatness and harmonicity `seqgen generate` prints for each (issue 6's check: speech after
# mu-law has flatness 0.19–0.30, white noise 0.84; the speech fixture's harmonicity is 8–14 dB
# per file, noise's about −8 dB; its level spread 8–15 dB, a steady drone's 2–3 dB).
#
#   scripts/audio_quality.sh RUN_DIR [SEEDS=10] [extra generate flags, e.g. --temperature 0.95]
#
# SEQGEN names the binary (default: seqgen on PATH). Clips go to RUN_DIR/quality/.
set -euo pipefail
run=${1:?usage: audio_quality.sh RUN_DIR [SEEDS] [generate flags]}
seeds=${2:-10}
shift $(( $# >= 2 ? 2 : 1 ))
seqgen=${SEQGEN:-seqgen}
mkdir -p "$run/quality"
log="$run/quality/generate.log"
: > "$log"
for s in $(seq "$seeds"); do
  "$seqgen" generate "$run" --out "$run/quality/clip-s$s.wav" --seconds 2 --seed "$s" "$@" >> "$log"
done
awk 'BEGIN { n = 0 }
  /real-time factor/ { for (i = 1; i <= NF; i++) if ($i == "factor") { rtf += $(i + 1); nr++ } }
  /^wrote .*RMS/ {
    rms[n] = ""; flat[n] = ""; hnr[n] = ""; spread[n] = ""
    for (i = 1; i <= NF; i++) {
      v = $(i + 1); sub(/,$/, "", v)
      if ($i == "RMS") rms[n] = v
      if ($i == "flatness") flat[n] = v
      if ($i == "harmonicity") hnr[n] = v
      if ($i == "spread") spread[n] = v
    }
    if (flat[n] !~ /^[0-9.]+$/) silent++
    n++
  }
  END {
    if (n == 0) { print "no clips"; exit 1 }
    fmin = 1e9; fmax = -1e9; rmin = 1e9; rmax = -1e9; hmin = 1e9; hmax = -1e9
    for (i = 0; i < n; i++) {
      r = rms[i] + 0; rs += r; if (r < rmin) rmin = r; if (r > rmax) rmax = r
      if (flat[i] ~ /^[0-9.]+$/) { f = flat[i] + 0; fs += f; nf++; if (f < fmin) fmin = f; if (f > fmax) fmax = f }
      if (hnr[i] ~ /^-?[0-9.]+$/) { h = hnr[i] + 0; hs += h; nh++; if (h < hmin) hmin = h; if (h > hmax) hmax = h }
      if (spread[i] ~ /^[0-9.]+$/) { ss += spread[i]; ns++ }
    }
    printf "clips %d (silent %d)  RMS mean %.1f dBFS [%.1f, %.1f]  flatness mean %.3f [%.3f, %.3f]  harmonicity mean %.1f dB [%.1f, %.1f]  level spread mean %.1f dB  real-time factor %.2f\n",
      n, silent, rs / n, rmin, rmax, (nf ? fs / nf : 0), fmin, fmax, (nh ? hs / nh : 0), hmin, hmax, (ns ? ss / ns : 0), (nr ? rtf / nr : 0)
  }' "$log"
