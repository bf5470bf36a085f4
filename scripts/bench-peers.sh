#!/usr/bin/env bash
# bench peers (issue 14): Ringmem vs llama.cpp (node-llama-cpp's prebuilt CPU addon) vs Jlama on one random-weight
# Llama written as F32 / Q8_0 (/ Q4_K where this build writes it) GGUF (+ an F32 HF folder for Jlama), alternating
# runs (A B C A B C ...), medians, min-max, paired ratios, peak RSS, GFLOP/s against the machine's measured peak;
# then causal prefill at long context vs llama.cpp with flash attention on and off.
# The peers are installed from the registries into a temp dir at run time (npm, Maven Central), never committed.
#
# Usage: scripts/bench-peers.sh [--quick] [--repeats N] [--formats f32,q8_0] [--lengths 512,2048] [--decode 64]
#        [--long 8192,16384,32768] [--long-repeats N] [--no-jlama] [--jlama-lengths 512] [--no-long] [--threads T]
#        [--work DIR] [--json FILE]
#        [--runs FILE]   (aggregate an existing runs file only)
# Prints the markdown table on stdout (and the JSON report to --json FILE). Needs node/npm, JDK 25 (bin/jdk25.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bin/jdk25.sh"

quick=0; repeats=5; formats=""; lengths="512,2048"; decode=64; long="8192,16384,32768"; long_repeats=3
jlama=1; jlama_lengths=""; do_long=1; threads="$(nproc)"; work=""; json_out=""; runs_in=""
shape=(--vocab 32000 --hidden 1024 --layers 12 --heads 16 --kv-heads 4 --ffn 2816 --context 32768)
long_shape=(--vocab 32000 --hidden 1024 --layers 2 --heads 16 --kv-heads 4 --ffn 2816 --context 32768)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --repeats) repeats="$2"; shift ;;
    --formats) formats="$2"; shift ;;
    --lengths) lengths="$2"; shift ;;
    --decode) decode="$2"; shift ;;
    --long) long="$2"; shift ;;
    --long-repeats) long_repeats="$2"; shift ;;
    --no-jlama) jlama=0 ;;
    --jlama-lengths) jlama_lengths="$2"; shift ;;
    --no-long) do_long=0 ;;
    --threads) threads="$2"; shift ;;
    --work) work="$2"; shift ;;
    --json) json_out="$2"; shift ;;
    --runs) runs_in="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench-peers: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  repeats=2; lengths="64,128"; decode=8; long="256,512"; long_repeats=1
  shape=(--vocab 512 --hidden 128 --layers 2 --heads 4 --kv-heads 2 --ffn 256 --context 1024)
  long_shape=(--vocab 512 --hidden 128 --layers 1 --heads 4 --kv-heads 2 --ffn 256 --context 1024)
fi
[ -n "$work" ] || work="$(mktemp -d /tmp/ringmem-peers.XXXXXX)"
mkdir -p "$work"
log() { echo "bench-peers: $*" >&2; }

# the Ringmem jar, copied so that a rebuild of the tree during the run cannot change or stall it
"$root/bin/ringmem" --version >/dev/null
cp "$root/app/target/ringmem.jar" "$work/ringmem.jar"
# the JVM flags of bin/ringmem, exactly (what a user gets); RINGMEM_PEERS_JAVA_OPTS plays JAVA_OPTS's part
rm_java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector,java.se --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xms256m -Xmn128m ${RINGMEM_PEERS_JAVA_OPTS:-} -jar "$work/ringmem.jar")
ringmem() { "${rm_java[@]}" "$@" 2> >(grep -v '^WARNING: Using incubator' >&2); }

aggregate() {
  local args=(bench peers --runs "$1" "${shape[@]}" --long-layers "${long_shape[5]}" --threads "$threads")
  [ -f "$work/peak.json" ] && args+=(--kernels-json "$work/peak.json")
  [ -n "$json_out" ] && args+=(--json-out "$json_out")
  ringmem "${args[@]}"
}
if [ -n "$runs_in" ]; then aggregate "$runs_in"; exit 0; fi

# --- peers, from the registries, into the work dir ---
if [ ! -d "$work/npm/node_modules/node-llama-cpp" ]; then
  log "installing node-llama-cpp 3.22.1 (prebuilt CPU addon) from npm"
  mkdir -p "$work/npm" && echo '{"name":"ringmem-peers","private":true,"type":"module"}' > "$work/npm/package.json"
  (cd "$work/npm" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --no-audit --no-fund --omit=optional --ignore-scripts \
     node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1 >&2)
fi
cp "$root/scripts/peers/llamacpp-run.mjs" "$work/npm/"
if [ "$jlama" = 1 ] && [ ! -d "$work/jlama/lib" ]; then
  log "resolving com.github.tjake:jlama-core:0.8.4 from Maven Central"
  mkdir -p "$work/jlama"
  cat > "$work/jlama/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>jlama-peer</artifactId><version>1</version><packaging>pom</packaging>
<dependencies><dependency><groupId>com.github.tjake</groupId><artifactId>jlama-core</artifactId><version>0.8.4</version></dependency></dependencies>
</project>
POM
  "$root/mvnw" -B -ntp -q -f "$work/jlama/pom.xml" dependency:copy-dependencies -DoutputDirectory="$work/jlama/lib" >&2
fi
jl_java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -cp "$work/jlama/lib/*" "$root/scripts/peers/JlamaRun.java")

# --- models ---
if [ -z "$formats" ]; then
  formats="f32,q8_0"
  if ringmem make-random-model --help 2>/dev/null | grep -q 'q4_k'; then
    if [ "$quick" = 0 ] && ringmem make-random-model --out "$work/probe.gguf" --format q4_k --vocab 512 --hidden 256 --layers 1 --heads 1 \
        --kv-heads 1 --ffn 256 --context 64 2>/dev/null; then formats="$formats,q4_k"; fi
    rm -f "$work/probe.gguf"
  fi
fi
IFS=, read -ra fmt_list <<< "$formats"
IFS=, read -ra len_list <<< "$lengths"
IFS=, read -ra long_list <<< "$long"
[ -n "$jlama_lengths" ] || jlama_lengths="$lengths"
jlama_at() { [[ ",$jlama_lengths," == *",$1,"* ]]; }
vocab="${shape[1]}"
for f in "${fmt_list[@]}"; do
  [ -f "$work/model-$f.gguf" ] && continue
  extra=(); [ "$f" = f32 ] && [ "$jlama" = 1 ] && extra=(--hf-dir "$work/model-hf")
  ringmem make-random-model --out "$work/model-$f.gguf" --format "$f" "${shape[@]}" "${extra[@]}"
done
[ "$do_long" = 1 ] && [ ! -f "$work/long-f32.gguf" ] && ringmem make-random-model --out "$work/long-f32.gguf" --format f32 "${long_shape[@]}"

# --- machine peak (Ringmem's bench kernels measures it) ---
if [ ! -s "$work/peak.json" ]; then
  log "measuring this machine's fp32 matmul peak (bench kernels --quick)"
  ringmem bench kernels --quick --json --threads "$threads" > "$work/peak.json" || { log "bench kernels failed"; rm -f "$work/peak.json"; }
fi

runs="$work/runs.jsonl"; : > "$runs"
record() {  # record ROUND FORMAT SUITE CMD...: run one harness, append its JSON line with round/format/suite
  local round="$1" fmt="$2" suite="$3"; shift 3
  local line
  if line="$("$@" 2>>"$work/stderr.log" | grep '^{"peer"' | tail -1)" && [ -n "$line" ]; then
    echo "${line%\}},\"round\":$round,\"format\":\"$fmt\",\"suite\":\"$suite\"}" >> "$runs"
    log "$line"
  else
    log "FAILED: $* (see $work/stderr.log)"
  fi
}
rm_run() { ringmem bench workload --model "$1" --threads "$threads" --tokens "$2" --decode "$3"; }
lc_run() { (cd "$work/npm" && node llamacpp-run.mjs --model "$1" --tokens "$2" --decode "$3" --workload "$4" --threads "$threads" \
  --vocab "$vocab" --flash "$5" --context "$6"); }
jl_run() { "${jl_java[@]}" --model "$work/model-hf" --tokens "$1" --decode "$2" --workload "$3" --threads "$threads"; }

for ((r = 1; r <= repeats; r++)); do
  for f in "${fmt_list[@]}"; do
    m="$work/model-$f.gguf"
    for n in "${len_list[@]}"; do
      record "$r" "$f" main rm_run "$m" "$n" 0
      record "$r" "$f" main lc_run "$m" "$n" 0 prefill off "$((n + 16))"
      [ "$jlama" = 1 ] && [ "$f" = f32 ] && jlama_at "$n" && record "$r" "$f" main jl_run "$n" 0 prefill
    done
    n="${len_list[0]}"
    record "$r" "$f" main rm_run "$m" "$n" "$decode"
    record "$r" "$f" main lc_run "$m" "$n" "$decode" decode off "$((n + decode + 16))"
    [ "$jlama" = 1 ] && [ "$f" = f32 ] && record "$r" "$f" main jl_run "$n" "$decode" decode
  done
done
if [ "$do_long" = 1 ]; then
  for ((r = 1; r <= long_repeats; r++)); do
    for n in "${long_list[@]}"; do
      record "$r" f32 long rm_run "$work/long-f32.gguf" "$n" 0
      record "$r" f32 long lc_run "$work/long-f32.gguf" "$n" 0 prefill off "$n"
      record "$r" f32 long lc_run "$work/long-f32.gguf" "$n" 0 prefill on "$n"
    done
  done
fi
log "runs: $runs"
aggregate "$runs"
