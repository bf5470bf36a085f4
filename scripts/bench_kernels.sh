#!/usr/bin/env bash
# Runs the Java kernel benchmark (scalar vs vector) and the numpy/OpenBLAS matmul peer back to back, so the
# figures come from the same machine state. Usage: scripts/bench_kernels.sh [--threads N] [--quick]
# Needs a JDK 25 (found by bin/jdk25.sh), and python3 with numpy for the peer.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/jdk25.sh
threads=2
quick=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --quick) quick=(--quick); shift ;;
    *) echo "usage: $0 [--threads N] [--quick]" >&2; exit 2 ;;
  esac
done
./mvnw -q -o -pl ring-attention compile || ./mvnw -q -pl ring-attention compile
java --add-modules jdk.incubator.vector -cp ring-attention/target/classes \
  io.ringmem.kernel.KernelBenchmark --threads "$threads" "${quick[@]}" 2>&1 | grep -v 'Using incubator modules'
echo
python3 scripts/bench_numpy_matmul.py --threads "$threads" "${quick[@]}"
