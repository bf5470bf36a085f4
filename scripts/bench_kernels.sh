#!/usr/bin/env bash
# Runs the Java kernel benchmark (bin/ringmem bench kernels: scalar vs vector) and the numpy/OpenBLAS matmul peer
# back to back, so the figures come from the same machine state. Usage: scripts/bench_kernels.sh [--threads N] [--quick]
# Needs a JDK 25 (found by bin/jdk25.sh; bin/ringmem builds the jar if needed), and python3 with numpy for the peer.
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
bin/ringmem bench kernels --threads "$threads" "${quick[@]}"
echo
python3 scripts/bench_numpy_matmul.py --threads "$threads" "${quick[@]}"
