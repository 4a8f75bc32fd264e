#!/usr/bin/env bash
# scripts/gpu-check/run.sh: the GPU check (docs/gpu-check.md) in one command, on a machine with
# an NVIDIA GPU, nvcc and CMake; Node is not needed. It builds the native tests, the device
# bench and nn_train with plain CMake into build/gpu-check, then
#   1. parity: nn_test_ops and nn_test_model on -b sim (the kernels in the CPU simulator) and
#      -b cuda (the same kernels on the GPU), each against the CPU reference;
#   2. nn_bench_device_ops: each device op at the studio shapes against the GPU's measured
#      matmul ceiling (or its copy bandwidth, for the memory-bound ops);
#   3. a 25 s studio run with nn_train --device cuda: per-scale epochs and the total against the
#      10-minute target;
#   4. per scale, our epoch against the reference PyTorch code's on the same clip, rates and GPU
#      (--reference: a Catch-A-Waveform checkout; python3 with torch must be importable);
# and writes build/gpu-check/report.md (+ logs/). Without a CUDA device it stops after the sim
# parity tests with "no CUDA device: the GPU figures are unmeasured", still writing the report.
#
# usage: scripts/gpu-check/run.sh [--reference DIR] [--wav FILE] [--seconds S] [--epochs E]
#                                 [--build-dir DIR] [--jobs N] [--arch LIST] [--timeout S]
#   --reference DIR  Catch-A-Waveform checkout for the per-scale comparison [not run]
#   --wav FILE       the clip [a generated 25 s music-like clip, nn_train --synth-wav]
#   --seconds S      clip length for the studio run and the comparison [25]
#   --epochs E       epochs per scale in the per-scale comparison, ours and the reference's [20]
#   --build-dir DIR  [build/gpu-check]
#   --jobs N         build jobs [nproc]
#   --arch LIST      CMAKE_CUDA_ARCHITECTURES [the GPU's own, e.g. 90-real; 90-real without one]
#   --timeout S      limit for each training run (studio, ours, reference) [1800]
# Environment: NN_BUILD_LOCK=FILE runs the configure and build steps under flock FILE (a machine
# shared by several builds); NN_COMMIT names the commit where the tree is not a git checkout.
# Exit: 0 done (targets met or not: the report says), 1 parity failed or a step broke, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ARGS="$*"
BUILD="$ROOT/build/gpu-check"
REFERENCE=""
WAV=""
CLIP_SECONDS=25
EPOCHS=20
JOBS=$(nproc 2>/dev/null || echo 4)
ARCH=""
LIMIT=1800
TARGET_SECONDS=600 # the issue's 10 minutes for a 25 s studio run
TARGET_SPEEDUP=10  # each scale's epoch at least 10x the reference's

usage() {
    sed -n '16,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reference) REFERENCE=${2:?}; shift 2 ;;
        --wav) WAV=${2:?}; shift 2 ;;
        --seconds) CLIP_SECONDS=${2:?}; shift 2 ;;
        --epochs) EPOCHS=${2:?}; shift 2 ;;
        --build-dir) BUILD=${2:?}; shift 2 ;;
        --jobs) JOBS=${2:?}; shift 2 ;;
        --arch) ARCH=${2:?}; shift 2 ;;
        --timeout) LIMIT=${2:?}; shift 2 ;;
        -h | --help) usage ;;
        *) echo "run.sh: unknown argument $1" >&2; usage ;;
    esac
done
[[ "$EPOCHS" =~ ^[0-9]+$ && "$EPOCHS" -ge 3 ]] || { echo "run.sh: --epochs must be >= 3" >&2; exit 2; }
[[ -z "$WAV" || -f "$WAV" ]] || { echo "run.sh: no such file $WAV" >&2; exit 2; }
[[ -n "$WAV" ]] && WAV=$(cd "$(dirname "$WAV")" && pwd)/$(basename "$WAV")
[[ -z "$REFERENCE" ]] || REFERENCE=$(cd "$REFERENCE" 2>/dev/null && pwd || echo "$REFERENCE")

LOGS="$BUILD/logs"
REPORT="$BUILD/report.md"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$BUILD"/*.tsv
: >"$REPORT"
FAILED=0 # parity failed or a step broke
VERDICT=()

say() { echo "gpu-check: $*"; }
md() { printf '%s\n' "$@" >>"$REPORT"; }
# Runs a command with its output in a log, returning its status without tripping set -e;
# the command line goes into the report's list.
COMMANDS=()
run_logged() {
    local log=$1
    shift
    COMMANDS+=("$* > ${log#"$BUILD"/}")
    set +e
    "$@" >"$log" 2>&1
    local rc=$?
    set -e
    return $rc
}
finish() {
    local rc=$?
    {
        echo
        echo "## Commands"
        echo
        echo '```'
        for c in "${COMMANDS[@]}"; do echo "$c"; done
        echo '```'
        echo
        echo "## Verdict"
        echo
        for v in "${VERDICT[@]}"; do echo "- $v"; done
    } >>"$REPORT"
    say "report: $REPORT"
    exit $rc
}
trap finish EXIT

# ---- header and machine ----------------------------------------------------------------------
commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo "${NN_COMMIT:-(not a git checkout; set NN_COMMIT)}")
dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l | tr -d ' ')
md "# GPU check report" "" \
    "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')" \
    "- commit: \`$commit\`$([[ "$dirty" != 0 ]] && echo " + $dirty uncommitted file(s)")" \
    "- command: \`scripts/gpu-check/run.sh${ARGS:+ $ARGS}\`" \
    "- build: \`${BUILD#"$ROOT"/}\`, logs in \`${LOGS#"$ROOT"/}/\`" ""
md "## Machine" ""
GPU_LINE="(no nvidia-smi)"
CAP=""
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi >"$LOGS/nvidia-smi.log" 2>&1 || true
    GPU_LINE=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
    CAP=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .' || true)
    [[ -n "$GPU_LINE" ]] || GPU_LINE="(nvidia-smi lists no GPU: $(head -1 "$LOGS/nvidia-smi.log"))"
fi
[[ "$CAP" =~ ^[0-9]+$ ]] || CAP=""
[[ -n "$ARCH" ]] || ARCH=${CAP:+${CAP}-real}
[[ -n "$ARCH" ]] || ARCH=90-real
md "- GPU (nvidia-smi): $GPU_LINE" \
    "- CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || uname -m), $(nproc 2>/dev/null) threads" \
    "- nvcc: $(nvcc --version 2>/dev/null | grep -i release | sed 's/.*release/release/' || echo 'not found')" \
    "- cmake: $(cmake --version 2>/dev/null | head -1 || echo 'not found'); python3: $(python3 --version 2>&1 || echo 'not found')" ""

# ---- build ----------------------------------------------------------------------------------
say "configuring and building in $BUILD (CUDA architectures $ARCH)"
LOCK=()
if [[ -n "${NN_BUILD_LOCK:-}" ]]; then LOCK=(flock "$NN_BUILD_LOCK"); fi
GEN=()
if [[ ! -f "$BUILD/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then GEN=(-G Ninja); fi
md "## Build" ""
if ! run_logged "$LOGS/configure.log" "${LOCK[@]}" cmake -S "$ROOT" -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DNN_CUDA=ON -DNN_BUILD_TESTS=ON -DNN_BUILD_BENCH=ON -DNN_BUILD_ADDON=OFF \
    -DNN_CUDA_ARCHITECTURES="$ARCH"; then
    md "configure FAILED (CUDA architectures $ARCH): \`logs/configure.log\`:" "" '```' "$(tail -15 "$LOGS/configure.log")" '```'
    VERDICT+=("build: configure FAILED")
    exit 1
fi
declare -A BUILT=()
for target in nn_test_ops nn_test_model nn_bench_device_ops nn_train; do
    if run_logged "$LOGS/build-$target.log" "${LOCK[@]}" cmake --build "$BUILD" -j "$JOBS" --target "$target"; then
        BUILT[$target]=1
        md "- $target: built"
    elif grep -q "unknown target\|No rule to make target" "$LOGS/build-$target.log"; then
        md "- $target: not in this build (is its add_subdirectory in native/CMakeLists.txt?)"
    else
        md "- $target: build FAILED, \`logs/build-$target.log\`: $(grep -m1 -i 'error' "$LOGS/build-$target.log" || tail -1 "$LOGS/build-$target.log")"
    fi
done
md ""
exe() { find "$BUILD" -name "$1" -type f -perm -u+x 2>/dev/null | head -1; }
if [[ -z "${BUILT[nn_test_ops]:-}" && -z "${BUILT[nn_test_model]:-}" ]]; then
    VERDICT+=("build: the parity tests did not build: FAILED")
    exit 1
fi

# ---- parity ---------------------------------------------------------------------------------
say "parity tests"
md "## Parity (each against the CPU reference)" "" "| program | backend | result | cases | log |" "|---|---|---|---|---|"
HAVE_GPU=1
NO_GPU_WHY=""
PARITY_OK=1
for backend in sim cuda; do
    for program in nn_test_ops nn_test_model; do
        log="$LOGS/parity-$program-$backend.log"
        if [[ -z "${BUILT[$program]:-}" ]]; then
            md "| $program | $backend | FAILED: not built | | \`logs/build-$program.log\` |"
            PARITY_OK=0
            continue
        fi
        rc=0
        run_logged "$log" "$(exe "$program")" -b "$backend" || rc=$?
        counts="$(grep -c '^PASS' "$log" || true) PASS, $(grep -c '^FAIL' "$log" || true) FAIL, $(grep -c '^SKIP' "$log" || true) SKIP"
        case "$rc" in
            0) result="PASS" ;;
            77) result="SKIP: $({ grep -m1 ': no CUDA device (' "$log" || grep -m1 '^SKIP' "$log"; } | sed 's/^SKIP [^:]*: //')" ;;
            2) if grep -q 'no case matches' "$log"; then
                   result="not run: no $backend cases in this build"
               else
                   result="FAILED: usage error ($(tail -1 "$log"))"; PARITY_OK=0
               fi ;;
            *) result="FAILED (exit $rc)"; PARITY_OK=0 ;;
        esac
        # no device (rather than no cases): the runner's "SKIP <op> cuda test: no CUDA device (why)"
        if [[ "$backend" == cuda ]] && grep -q ': no CUDA device (' "$log"; then
            HAVE_GPU=0
            [[ -n "$NO_GPU_WHY" ]] || NO_GPU_WHY=$(grep -m1 ': no CUDA device (' "$log" | sed 's/^SKIP [^:]*: no CUDA device (\(.*\))$/\1/')
        fi
        md "| $program | $backend | $result | $counts | \`logs/$(basename "$log")\` |"
    done
done
md ""
if [[ "$PARITY_OK" != 1 ]]; then
    md "Failed checks (first 20):" "" '```' "$(grep -h '^FAIL\|FAILED\|CHECK' "$LOGS"/parity-*.log | head -20)" '```' ""
    VERDICT+=("parity: FAILED")
    FAILED=1
else
    VERDICT+=("parity: PASS$([[ "$HAVE_GPU" == 1 ]] || echo " on the simulator; the GPU's parity is unmeasured (no CUDA device)")")
fi

if [[ "$HAVE_GPU" != 1 ]]; then
    msg="no CUDA device: the GPU figures are unmeasured"
    say "$msg (${NO_GPU_WHY:-no reason given})"
    if [[ -n "${BUILT[nn_bench_device_ops]:-}" ]]; then
        run_logged "$LOGS/bench-device-ops.log" "$(exe nn_bench_device_ops)" || true
    fi
    md "## GPU figures" "" "$msg (${NO_GPU_WHY:-the CUDA parity run was skipped})." "" \
        "Unmeasured here: the per-op device bench$([[ -f "$LOGS/bench-device-ops.log" ]] && echo " (it said: \`$(head -1 "$LOGS/bench-device-ops.log")\`)"), the 25 s studio run against the ${TARGET_SECONDS} s target, and the per-scale speed-up over the reference. Run this command on a machine with an NVIDIA GPU to measure them." ""
    [[ -n "$REFERENCE" ]] && md "reference not run: no CUDA device" ""
    VERDICT+=("$msg")
    exit $FAILED
fi

# ---- per-op bench ---------------------------------------------------------------------------
say "per-op device bench"
md "## Per-op device bench (nn_bench_device_ops)" ""
if [[ -n "${BUILT[nn_bench_device_ops]:-}" ]]; then
    rc=0
    run_logged "$LOGS/bench-device-ops.log" "$(exe nn_bench_device_ops)" || rc=$?
    md "Each op at the studio recipe's shapes; compute-bound ops as FLOP/s against the measured ceiling of their precision, memory-bound ones as bytes/s against the measured copy bandwidth (\`logs/bench-device-ops.log\`):" ""
    grep -v '^|' "$LOGS/bench-device-ops.log" | sed 's/^/    /' >>"$REPORT" || true
    md ""
    grep '^|' "$LOGS/bench-device-ops.log" >>"$REPORT" || true
    md ""
    if [[ "$rc" != 0 ]]; then
        VERDICT+=("per-op bench: an op FAILED (exit $rc), see logs/bench-device-ops.log")
        FAILED=1
    else
        VERDICT+=("per-op bench: measured (ratios in the table)")
    fi
else
    md "not built (see Build)." ""
    VERDICT+=("per-op bench: not built")
    FAILED=1
fi

# ---- the clip and the studio run ------------------------------------------------------------
if [[ -z "${BUILT[nn_train]:-}" ]]; then
    md "## Studio run" "" "nn_train is not built (see Build): no studio run, no comparison." ""
    VERDICT+=("studio run: not run (nn_train not built)")
    [[ -n "$REFERENCE" ]] && md "reference not run: nn_train is not built, so there is nothing to compare with" ""
    exit 1
fi
NN_TRAIN=$(exe nn_train)
if [[ -z "$WAV" ]]; then
    WAV="$BUILD/clip.wav"
    run_logged "$LOGS/clip.log" "$NN_TRAIN" --synth-wav "$WAV" --seconds "$CLIP_SECONDS" || { VERDICT+=("clip: FAILED"); exit 1; }
fi
say "25 s studio run (limit ${LIMIT} s)"
md "## Studio run: ${CLIP_SECONDS} s clip, --device cuda" "" "clip: \`$WAV\`" ""
rm -rf "$BUILD/studio-run"
start=$(date +%s.%N)
rc=0
run_logged "$LOGS/studio-run.log" timeout "$LIMIT" "$NN_TRAIN" --wav "$WAV" --seconds "$CLIP_SECONDS" \
    --device cuda --no-fallback --out "$BUILD/studio-run" --tsv "$BUILD/studio.tsv" || rc=$?
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# the joins below read it: a header alone when the run wrote none
[[ -s "$BUILD/studio.tsv" ]] || printf 'rate\tN\ttrained\tepochs\tfirst_s\tmedian_s\tscale_s\n' >"$BUILD/studio.tsv"
md "$(grep -m1 '^device:' "$LOGS/studio-run.log" || echo 'device: (no device line)')" ""
grep '^|' "$LOGS/studio-run.log" >>"$REPORT" || true
md ""
case "$rc" in
    0)
        ratio=$(awk -v w="$wall" -v t="$TARGET_SECONDS" 'BEGIN { printf "%.2f", w / t }')
        met=$(awk -v w="$wall" -v t="$TARGET_SECONDS" 'BEGIN { print (w <= t) ? "MET" : "MISSED" }')
        md "total: ${wall} s (process wall time, set-up and checkpoints included) against the ${TARGET_SECONDS} s target: ${ratio} of it, target ${met}" ""
        VERDICT+=("studio run, ${CLIP_SECONDS} s clip: ${wall} s = ${ratio} x the ${TARGET_SECONDS} s target: ${met}") ;;
    3)
        md "stopped: the trainer fell back to the CPU (the device line above says why)" ""
        VERDICT+=("studio run: the trainer fell back to the CPU: $(grep -m1 '^device:' "$LOGS/studio-run.log" || true)")
        FAILED=1 ;;
    124)
        md "stopped at the ${LIMIT} s limit (target ${TARGET_SECONDS} s: MISSED)" ""
        VERDICT+=("studio run: over the ${LIMIT} s limit: MISSED")
        FAILED=1 ;;
    *)
        md "FAILED (exit $rc): $(grep -m1 '^nn_train' "$LOGS/studio-run.log" || tail -1 "$LOGS/studio-run.log")" ""
        VERDICT+=("studio run: FAILED (exit $rc)")
        FAILED=1 ;;
esac

# ---- per scale against the reference --------------------------------------------------------
say "per-scale comparison (${EPOCHS} epochs per scale, whole levels)"
md "## Per scale against the reference (${EPOCHS} epochs per scale, every level whole as the reference trains)" ""
rc=0
run_logged "$LOGS/ours-whole.log" timeout "$LIMIT" "$NN_TRAIN" --wav "$WAV" --seconds "$CLIP_SECONDS" \
    --device cuda --no-fallback --crop 0 --epochs "$EPOCHS" --tsv "$BUILD/ours-whole.tsv" || rc=$?
if [[ "$rc" != 0 ]]; then
    md "our whole-level run FAILED (exit $rc): $(tail -1 "$LOGS/ours-whole.log")" ""
    VERDICT+=("per-scale comparison: our run FAILED (exit $rc)")
    exit 1
fi
REF_WHY=""
if [[ -z "$REFERENCE" ]]; then
    REF_WHY="no --reference checkout given"
elif [[ ! -f "$REFERENCE/training.py" ]]; then
    REF_WHY="$REFERENCE is not a Catch-A-Waveform checkout (no training.py)"
elif ! command -v python3 >/dev/null 2>&1; then
    REF_WHY="python3 not found"
elif ! python3 -c 'import torch' >/dev/null 2>&1; then
    REF_WHY="python3 cannot import torch ($(command -v python3))"
else
    rates=$(awk -F'\t' 'NR > 1 { printf "%s%s", sep, $1; sep = "," }' "$BUILD/ours-whole.tsv")
    rc=0
    run_logged "$LOGS/reference.log" timeout "$LIMIT" env PYTHONUNBUFFERED=1 python3 "$ROOT/scripts/gpu-check/reference-epochs.py" \
        --checkout "$REFERENCE" --wav "$WAV" --seconds "$CLIP_SECONDS" --rates "$rates" \
        --epochs "$EPOCHS" --tsv "$BUILD/reference.tsv" || rc=$?
    case "$rc" in
        0) ;;
        3) REF_WHY=$(grep -m1 '^reference not run:' "$LOGS/reference.log" | sed 's/^reference not run: //') ;;
        124) REF_WHY="over the ${LIMIT} s limit" ;;
        *) REF_WHY="reference-epochs.py exited $rc: $(tail -1 "$LOGS/reference.log")" ;;
    esac
fi
if [[ -n "$REF_WHY" ]]; then
    md "reference not run: $REF_WHY" "" "Ours alone (median epoch, first excluded):" ""
    md "| rate Hz | N | ours: whole-level epoch s | ours: studio epoch s (crop) |" "|---|---|---|---|"
    awk -F'\t' 'FNR == 1 { next } FILENAME == ARGV[1] { studio[$1] = $6 " (" $3 ")"; next }
        { printf "| %s | %s | %.5f | %s |\n", $1, $2, $6, ($1 in studio) ? studio[$1] : "-" }' \
        "$BUILD/studio.tsv" "$BUILD/ours-whole.tsv" >>"$REPORT" 2>/dev/null || true
    md ""
    VERDICT+=("per-scale speed-up: unmeasured (reference not run: $REF_WHY)")
else
    grep '^note:' "$LOGS/reference.log" | sed 's/^/- /' >>"$REPORT" || true
    md "" "| rate Hz | N | ours: epoch s | reference: epoch s | speed-up | >= ${TARGET_SPEEDUP}x | ours: studio epoch s (samples) |" "|---|---|---|---|---|---|---|"
    summary=$(awk -F'\t' -v target="$TARGET_SPEEDUP" -v report="$REPORT" '
        FNR == 1 { file++; next }
        file == 1 { studio[$1] = sprintf("%.5f (%s)", $6, $3); next }
        file == 2 { ref[$1] = $4; next }
        {
            if (!($1 in ref)) { printf "| %s | %s | %.5f | - | - | - | %s |\n", $1, $2, $6, ($1 in studio) ? studio[$1] : "-" >> report; missing++; next }
            x = ref[$1] / $6; n++; if (x < target) below++
            if (n == 1 || x < worst) worst = x
            printf "| %s | %s | %.5f | %.5f | %.1fx | %s | %s |\n", $1, $2, $6, ref[$1], x, (x >= target) ? "yes" : "NO",
                ($1 in studio) ? studio[$1] : "-" >> report
        }
        END { printf "%d %d %.1f %d", n, below, worst, missing }' \
        "$BUILD/studio.tsv" "$BUILD/reference.tsv" "$BUILD/ours-whole.tsv")
    read -r n below worst missing <<<"$summary"
    md "" "Speed-up = the reference's median epoch / ours, on the same GPU, clip and rates, every level whole (the studio column is the cropped epoch the preset actually trains, for reference)." ""
    if [[ "$n" -gt 0 && "$below" == 0 ]]; then
        VERDICT+=("per-scale speed-up over the reference: every one of $n scales >= ${TARGET_SPEEDUP}x (lowest ${worst}x): MET")
    else
        VERDICT+=("per-scale speed-up over the reference: $below of $n scales below ${TARGET_SPEEDUP}x (lowest ${worst}x)$([[ "$missing" != 0 ]] && echo ", $missing without a reference figure"): MISSED")
    fi
fi
exit $FAILED
