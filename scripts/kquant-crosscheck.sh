#!/usr/bin/env bash
# Cross-checks Ringmem's K-quant layouts against llama.cpp's own Python reader: writes a GGUF with Q4_K, Q5_K, Q6_K
# and Q8_K tensors (Ringmem's reference quantizer) plus Ringmem's F32 dequantization of each, then gguf-py (the
# `gguf` package from the llama.cpp project, installed at run time into a throwaway venv, never into the repo)
# dequantizes the K-quant tensors with its numpy code and compares. Exit status 0 only when every format agrees.
# Usage: scripts/kquant-crosscheck.sh [workdir]   (default: a fresh temp dir)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
. "$root/bin/jdk25.sh"
(cd "$root" && ./mvnw -q -B -ntp -o -pl ring-attention -am test-compile -Dcheckstyle.skip) >&2
cp_="$root/ring-attention/target/classes:$root/ring-attention/target/test-classes"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp_" io.ringmem.model.loader.KQuantCrossCheckFile \
  "$work/kquant.gguf" 2> >(grep -v 'incubator modules' >&2)
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q gguf numpy >&2
fi
"$work/venv/bin/python" - "$work/kquant.gguf" <<'PY'
import sys
import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize
r = GGUFReader(sys.argv[1])
t = {x.name: x for x in r.tensors}
ok = True
for name in ("Q4_K", "Q5_K", "Q6_K", "Q8_K"):
    q, ours = t[name], t[name + ".ringmem"]
    try:
        theirs = dequantize(q.data, q.tensor_type).reshape(-1).astype(np.float32)
    except NotImplementedError as e:
        print(f"{name}: gguf-py cannot dequantize it ({e})")
        continue
    mine = np.asarray(ours.data, dtype=np.float32).reshape(-1)
    diff = np.abs(theirs - mine)
    scale = np.abs(mine).max()
    agree = bool(np.all(diff <= 1e-6 * scale))
    ok &= agree
    print(f"{name}: {mine.size} values, max |gguf-py - ringmem| = {diff.max():.3g} "
          f"(max |value| {scale:.3g}), bit-identical {int((theirs.view(np.uint32) == mine.view(np.uint32)).sum())}"
          f"/{mine.size}: {'AGREE' if agree else 'DISAGREE'}")
sys.exit(0 if ok else 1)
PY
