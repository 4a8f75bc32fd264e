#!/usr/bin/env bash
# Copies the paper's own takes (Catch-A-Waveform's docs/audio/music: <Song>_real.flac,
# <Song>_fake1.flac, <Song>_fake2.flac for ten songs, 16 kHz mono) out of a checkout of its
# reference repository into a cache folder, for the quality harness (npm run bench:quality).
# They are commercial recordings: they stay outside this repository, which never commits them.
#
#   bash test/bench/quality/extract-paper-takes.sh CHECKOUT [DEST]
#
# CHECKOUT: a clone of the reference repository (galgreshler/Catch-A-Waveform), with a work
# tree or bare. DEST: default $EUREKA_PAPER_TAKES, else ~/.cache/eureka/caw-paper.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash test/bench/quality/extract-paper-takes.sh CHECKOUT [DEST]" >&2
  exit 2
fi
checkout=$1
dest=${2:-${EUREKA_PAPER_TAKES:-$HOME/.cache/eureka/caw-paper}}
music=docs/audio/music

mkdir -p "$dest"
if [ -d "$checkout/$music" ]; then
  files=$(cd "$checkout/$music" && ls -- *_real.flac *_fake*.flac)
  for name in $files; do cp -- "$checkout/$music/$name" "$dest/$name"; done
elif git -C "$checkout" rev-parse --git-dir >/dev/null 2>&1; then
  # A bare clone (or one without a work tree): read the files from its HEAD.
  files=$(git -C "$checkout" ls-tree --name-only HEAD "$music/" | grep -E '_(real|fake[0-9]+)\.flac$' | xargs -n1 basename)
  for name in $files; do
    git -C "$checkout" show "HEAD:$music/$name" > "$dest/$name.partial"
    mv -- "$dest/$name.partial" "$dest/$name"
  done
else
  echo "extract-paper-takes: $checkout is neither a checkout with $music nor a git repository" >&2
  exit 1
fi
count=$(ls -- "$dest"/*_real.flac 2>/dev/null | wc -l)
if [ "$count" -eq 0 ]; then
  echo "extract-paper-takes: no <Song>_real.flac found in $checkout/$music" >&2
  exit 1
fi
echo "$count songs in $dest"
