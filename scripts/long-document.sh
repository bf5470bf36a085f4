#!/usr/bin/env bash
# Writes a reproducible long document as token ids for `ringmem analyze --ids` / `ringmem score --tokens`:
# a sample of the model's own text (from BOS, temperature 0.8, seed 7, at most 511 tokens, ending at its stop
# token) repeated to exactly N tokens. Usage: scripts/long-document.sh MODEL N OUT.ids
# (docs/benchmarks.md, "One million tokens, and ten"; needs jq)
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 MODEL TOKENS OUT.ids" >&2; exit 2; }
model=$1 n=$2 out=$3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/bin/ringmem" generate --model "$model" --seed 7 --temperature 0.8 --max-tokens 511 --json 2>/dev/null \
  | jq -r '.ids | map(tostring) | join(" ")' \
  | awk -v n="$n" '{ k = split($0, ids, " "); for (i = 0; i < n; i++) printf "%s%s", ids[i % k + 1], (i + 1 < n ? " " : "\n") }' > "$out"
echo "$out: $n token ids (the model's own sample, repeated)" >&2
