#!/usr/bin/env bash
# Compiles every kernels-cuda .cu file with nvcc (called by Maven in generate-resources; see kernels-cuda/pom.xml):
#   <name>.sm_90.ptx       PTX for sm_90 (H100/H200), loaded by the driver with cuModuleLoadData
#   <name>.compute_80.ptx  the portable fallback: PTX for compute_80, JIT-compiled by the driver on sm_80 and newer
#   <ptxas-dir>/<name>.sm_90.cubin + .log   ptxas -v output for sm_90: registers, shared memory, spills
#   <ptxas-dir>/<name>.sm_80.cubin          the compute_80 PTX assembled for sm_80 (the fallback is valid PTX)
# The build fails on any nvcc/ptxas error or on a register spill. Without nvcc it prints one line and exits 0:
# the jar then carries no PTX and the CUDA backend reports itself unavailable.
# Usage: build-ptx.sh <cuda-src-dir> <ptx-out-dir> <ptxas-report-dir>
set -euo pipefail
src=$1 out=$2 rep=$3
nvcc=${NVCC:-$(command -v nvcc || true)}
if [ -z "$nvcc" ]; then
  for c in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc; do [ -x "$c" ] && nvcc=$c && break; done
fi
if [ -z "$nvcc" ]; then
  echo "[kernels-cuda] nvcc not found (PATH, \$CUDA_HOME, /usr/local/cuda): building without PTX; the cuda backend will be unavailable"
  exit 0
fi
# ptxas beside nvcc, else the one nvcc itself would use (nvcc may be a wrapper script, as /usr/local/bin/nvcc here)
ptxas="$(dirname "$(readlink -f "$nvcc")")/ptxas"
[ -x "$ptxas" ] || ptxas=$(command -v ptxas || true)
for c in "${CUDA_HOME:-}/bin/ptxas" /usr/local/cuda/bin/ptxas; do [ -x "$ptxas" ] || ptxas=$c; done
[ -x "$ptxas" ] || { echo "[kernels-cuda] ptxas not found beside $nvcc"; exit 1; }
mkdir -p "$out" "$rep"
flags=(-std=c++17 -O3 -I "$src" --expt-relaxed-constexpr)
summary="$rep/ptxas-summary.txt"
: > "$summary"
built=0 status=0
for cu in "$src"/*.cu; do
  name=$(basename "$cu" .cu)
  ptx90="$out/$name.sm_90.ptx" ptx80="$out/$name.compute_80.ptx" cubin="$rep/$name.sm_90.cubin" log="$rep/$name.sm_90.log"
  newest=$(ls -t "$cu" "$src"/*.cuh "$0" 2>/dev/null | head -1)
  if [ -f "$ptx90" ] && [ -f "$ptx80" ] && [ -f "$cubin" ] && [ "$ptx90" -nt "$newest" ] && [ "$cubin" -nt "$newest" ]; then
    grep -h "^$name" "$rep/$name.summary" >> "$summary" 2>/dev/null || true
    continue
  fi
  (
    "$nvcc" "${flags[@]}" -arch=sm_90 -ptx "$cu" -o "$ptx90" &&
    "$nvcc" "${flags[@]}" -arch=compute_80 -ptx "$cu" -o "$ptx80" &&
    "$nvcc" "${flags[@]}" -arch=sm_90 -cubin -Xptxas -v,-warn-spills,-warn-lmem-usage "$cu" -o "$cubin" > "$log" 2>&1 &&
    "$ptxas" -arch=sm_80 "$ptx80" -o "$rep/$name.sm_80.cubin" >> "$log" 2>&1   # the fallback assembles for Ampere
  ) || { echo "[kernels-cuda] nvcc failed on $name.cu:"; cat "$log" 2>/dev/null; rm -f "$ptx90" "$ptx80" "$cubin"; status=1; continue; }
  if grep -Eq "(^|[^0-9])[1-9][0-9]* bytes spill (stores|loads)" "$log"; then
    echo "[kernels-cuda] register spills in $name.cu (see $log)"; grep -E "spill" "$log"; rm -f "$cubin"; status=1
  fi
  # one line per kernel: name, registers, static shared memory
  awk -v f="$name" '/Compiling entry function/ {split($0, a, "\047"); k=a[2]}
       /Used [0-9]+ registers/ {match($0, /Used [0-9]+ registers/); r=substr($0, RSTART+5, RLENGTH-15);
         s="0"; if (match($0, /[0-9]+ bytes smem/)) s=substr($0, RSTART, RLENGTH-11);
         printf "%s.cu %s regs=%s smem=%s\n", f, k, r, s}' "$log" > "$rep/$name.summary"
  cat "$rep/$name.summary" >> "$summary"
  built=$((built + 1))
done
[ $status -eq 0 ] || { echo "[kernels-cuda] CUDA compilation failed"; exit 1; }
echo "[kernels-cuda] $("$nvcc" --version | tail -1): compiled $built file(s); sm_90 ptxas report: $summary"
