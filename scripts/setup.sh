#!/usr/bin/env bash
# One-command set-up on a fresh Debian/Ubuntu machine (and a no-op for what is already there):
# the system tools the build and the browser tests need, then `npm ci`, whose postinstall
# builds the native addon, the CLI and the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# Debian's Chromium drives the end-to-end UI tests (playwright-core never downloads a browser).
[ -x /usr/bin/chromium ] || need+=(chromium)
# ffprobe/ffmpeg and soxi are the independent parsers the export tests read our WAVs with
# (rate, depth, length, bext and INFO tags, samples); the tests fail without them.
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v soxi >/dev/null 2>&1 || need+=(sox)
# OpenBLAS and its cblas.h: `npm run test:native` then also builds and tests the NN_BLAS=ON
# convolution (build/native-blas); the default build does not use it.
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f='${Status}' libopenblas-dev 2>/dev/null | grep -q "ok installed" || need+=(libopenblas-dev)
fi

if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${need[*]} with apt-get"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "setup: please install: ${need[*]} (no apt-get here)" >&2
    exit 1
  fi
fi

npm ci
