#!/usr/bin/env bash
# scripts/gpu-check/selftest.sh BUILD_DIR: a quick check of the GPU check's parts on any machine
# (docs/gpu-check.md), given a CMake build dir where nn_train (and, in a CUDA build,
# nn_bench_device_ops) are built:
#   - nn_train writes a 2 s WAV, trains it end to end on the CPU (1 epoch per scale, 8 channels)
#     and writes one TSV row per scale;
#   - nn_train --device cuda --no-fallback exits 0 with a GPU, else 3 with the CPU's reason;
#   - nn_bench_device_ops (if built) exits 77 with "no CUDA device" where there is none;
#   - run.sh parses (bash -n) and reference-epochs.py compiles.
# Prints "N passed, M failed"; exit 1 when a check failed.
set -euo pipefail
BUILD=${1:?usage: selftest.sh BUILD_DIR}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
check() { # name, then the test command
    local name=$1
    shift
    if "$@" >"$TMP/out" 2>&1; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$TMP/out" | tail -5
    fi
}
exe() { find "$BUILD" -name "$1" -type f -perm -u+x 2>/dev/null | head -1; }
NN_TRAIN=$(exe nn_train)
BENCH=$(exe nn_bench_device_ops)

check "run.sh parses" bash -n "$ROOT/scripts/gpu-check/run.sh"
check "reference-epochs.py compiles" python3 -c \
    "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')" "$ROOT/scripts/gpu-check/reference-epochs.py"
check "nn_train is built" test -x "$NN_TRAIN"
if [[ -x "$NN_TRAIN" ]]; then
    check "nn_train --synth-wav" "$NN_TRAIN" --synth-wav "$TMP/clip.wav" --seconds 2
    cpu_run() {
        "$NN_TRAIN" --wav "$TMP/clip.wav" --device cpu --epochs 1 --channels 8 --tsv "$TMP/cpu.tsv" || return 1
        # one header + one row per trained scale (2 s at 16 kHz: 1280 Hz .. 16 kHz, 7 scales)
        [[ $(wc -l <"$TMP/cpu.tsv") -eq 8 ]]
    }
    check "nn_train --device cpu trains a 2 s clip (7 scales)" cpu_run
    cuda_run() {
        local rc=0
        "$NN_TRAIN" --wav "$TMP/clip.wav" --device cuda --no-fallback --epochs 1 --channels 8 >"$TMP/cuda.log" 2>&1 || rc=$?
        cat "$TMP/cuda.log"
        grep -q '^device: ' "$TMP/cuda.log" || return 1
        if grep -q '^device: cuda' "$TMP/cuda.log"; then
            [[ $rc -eq 0 ]]
        else
            [[ $rc -eq 3 ]] && grep -q 'reason: .' "$TMP/cuda.log"
        fi
    }
    check "nn_train --device cuda: the GPU, or the CPU with its reason (exit 3)" cuda_run
fi
if [[ -x "$BENCH" ]]; then
    bench_run() {
        local rc=0
        "$BENCH" --quick >"$TMP/bench.log" 2>&1 || rc=$?
        cat "$TMP/bench.log"
        [[ $rc -eq 0 ]] || { [[ $rc -eq 77 ]] && grep -q '^no CUDA device' "$TMP/bench.log"; }
    }
    check "nn_bench_device_ops: measured, or 77 without a device" bench_run
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
