#!/usr/bin/env bash
# The GPU device check: one call of at most 8 minutes on the device machine (CUDA 13, nvcc, PyTorch, no Java).
# Needs .device/ from scripts/device-bundle-cuda.sh (carry it). Steps, each with its own time limit:
#   1. environment: GPU (nvidia-smi), Java runtime from .device/jre.tar.xz
#   2. host tests of kernels-cuda (probe, PTX bundle, packing) through the JUnit console launcher
#   3. gpu-tagged tests: every kernel vs the CPU reference, KV codecs bit-exact, tinystories-656k vs Hugging Face
#      (fp32 and bf16), synthetic-gqa vs CPU, ring P=2,4 on one GPU; a skipped gpu test counts as a failure
#   4. GpuBench (our GEMM, attention, prefill) and scripts/bench_torch.py (PyTorch, same shapes, same call)
#   5. scripts/device_summary.py: $OUT/summary.json and $OUT/summary.md (targets: attention >= 0.8x SDPA,
#      GEMM >= 0.7x torch.matmul, ring overhead <= 10%)
# Without a GPU it says so, runs what it can (1, 2), writes the summary and exits 0. It exits non-zero only for
# real failures: a missing bundle, a failing or skipped test, a crashed benchmark.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd); cd "$root"
OUT=${OUT:-$root/out/device-check}
mkdir -p "$OUT"
log="$OUT/device-check.log"
: > "$log"
steps="$OUT/steps.tsv"
: > "$steps"
status=0
say() { echo "device-check: $*" | tee -a "$log"; }
step() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$steps"; say "$1: $2${3:+ ($3)}"; }
fail() { step "$1" failed "$2"; status=1; }
start=$(date +%s)

# 1. environment
if [ ! -d .device/app ] || [ ! -f .device/jre.tar.xz ] || [ ! -d .device/console ]; then
  fail bundle "no .device bundle: run scripts/device-bundle-cuda.sh on a build machine and carry .device"
  python3 scripts/device_summary.py "$OUT" || true
  exit 1
fi
step bundle ok "$(ls .device/app | wc -l) jars"
gpu=""
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L > "$OUT/nvidia-smi.txt" 2>&1 && grep -q '^GPU ' "$OUT/nvidia-smi.txt"; then
  gpu=$(head -1 "$OUT/nvidia-smi.txt")
  step gpu ok "$gpu"
else
  step gpu none "no CUDA device here (nvidia-smi missing or lists no GPU): GPU steps are not run"
fi
if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -q 'version "2[5-9]'; then
  JAVA=java
else
  rm -rf /tmp/ringmem-jre && mkdir -p /tmp/ringmem-jre && tar -C /tmp/ringmem-jre -xJf .device/jre.tar.xz
  JAVA=/tmp/ringmem-jre/jre/bin/java
fi
"$JAVA" -version > "$OUT/java.txt" 2>&1 || { fail java "cannot run the bundled Java runtime"; }
step java ok "$(head -1 "$OUT/java.txt")"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g
       -Dringmem.testdata="$root/.device/shared" -Dringmem.rootdir="$root")
console=$(ls .device/console/junit-platform-console-standalone-*.jar | head -1)
tests_jar=$(ls "$root"/.device/app/kernels-cuda-*-tests.jar | head -1)
classpath=$(ls -d "$root"/.device/app/*.jar | paste -sd:)  # the console launcher does not expand dir/*
# test classes selected by name: scanning a jar needs the jdk.zipfs module, which the bundled runtime lacks
selectors=()
while read -r c; do selectors+=(--select-class "$c"); done < <(python3 - "$tests_jar" <<'PY'
import re, sys, zipfile
for n in sorted(zipfile.ZipFile(sys.argv[1]).namelist()):
    if re.fullmatch(r"io/ringmem/cuda/[A-Za-z0-9]+Test\.class", n):
        print(n[:-6].replace("/", "."))
PY
)

# runs the JUnit console launcher; $1 = name, $2 = time limit (s), rest = selection arguments
junit() {
  local name=$1 limit=$2; shift 2
  timeout "$limit" "$JAVA" "${flags[@]}" -jar "$console" execute --class-path "$classpath" --details=summary \
    --disable-banner --reports-dir "$OUT/junit-$name" "$@" > "$OUT/junit-$name.txt" 2>&1
  local rc=$?
  # the console's summary: tests successful, tests failed + aborted, containers failed, skipped tests + containers
  python3 - "$OUT/junit-$name.txt" > "$OUT/junit-$name.counts" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
def n(what):
    m = re.search(r"\[\s*(\d+) " + what + r"\s*\]", text)
    return int(m.group(1)) if m else 0
print(n("tests successful"), n("tests failed") + n("tests aborted"), n("containers failed") + n("containers aborted"),
      n("tests skipped") + n("containers skipped"))
PY
  read -r tests failures errors skipped < "$OUT/junit-$name.counts" || true
  echo "$rc ${tests:-0} ${failures:-0} ${errors:-0} ${skipped:-0}"
}

# 2. host tests (no GPU needed): the bundle is complete and the probe answers
read -r rc t f e s <<< "$(junit host 90 "${selectors[@]}" --exclude-tag gpu)"
if [ "$rc" -eq 0 ] && [ "$t" -gt 0 ]; then step host-tests ok "$t passed"; else fail host-tests "rc $rc: $t passed, $f failed, $e containers failed (see junit-host.txt)"; fi

if [ -n "$gpu" ]; then
  # 3. gpu tests
  read -r rc t f e s <<< "$(junit gpu 200 "${selectors[@]}" --include-tag gpu)"
  if [ "$rc" -eq 124 ]; then fail gpu-tests "timed out after 200 s";
  elif [ "$rc" -eq 0 ] && [ "$t" -gt 0 ] && [ "$s" -eq 0 ]; then step gpu-tests ok "$t passed";
  else fail gpu-tests "rc $rc: $t passed, $f failed, $e containers failed, $s skipped (see junit-gpu.txt)"; fi
  # 4. benchmarks, ours then PyTorch's, in this same call
  left=$(( 440 - ($(date +%s) - start) ))
  if [ "$left" -gt 60 ]; then
    budget=$(( (left - 40) * 6 / 10 ))
    if timeout $((budget + 30)) "$JAVA" "${flags[@]}" -cp ".device/app/*" io.ringmem.cuda.GpuBench "$OUT/bench-ringmem.json" "$budget" \
        > "$OUT/bench-ringmem.txt" 2>&1; then step bench-ringmem ok "$budget s budget"; else fail bench-ringmem "see bench-ringmem.txt"; fi
    left=$(( 460 - ($(date +%s) - start) ))
    if timeout "$left" python3 scripts/bench_torch.py "$OUT/bench-torch.json" > "$OUT/bench-torch.txt" 2>&1; then
      step bench-torch ok ""; else fail bench-torch "see bench-torch.txt"; fi
  else
    step bench skipped "only $left s left of the 8-minute call"
  fi
else
  step gpu-tests "not run" "no GPU"
  step bench "not run" "no GPU"
fi

# 5. summary
python3 scripts/device_summary.py "$OUT" > /dev/null || fail summary "device_summary.py failed"
cat "$OUT/summary.md" 2>/dev/null
say "done in $(( $(date +%s) - start )) s; summary: $OUT/summary.md; exit $status"
exit $status
