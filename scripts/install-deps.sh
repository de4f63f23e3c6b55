#!/usr/bin/env bash
# Installs the Debian packages SeqGen builds against, if any is missing.
set -euo pipefail
packages=(libopenblas-dev libcodec2-dev codec2 libespeak-ng-dev libsentencepiece-dev pkg-config libsndfile1-dev libsamplerate0-dev libfluidsynth-dev fluid-soundfont-gm librsvg2-bin chromium libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null || { echo "error: swift not found (install Swift 6.1 or newer)" >&2; exit 1; }
