package io.ringmem.bench.peers;

/**
 * One measured run of one peer, as the harnesses of {@code scripts/bench-peers.sh} print it (one JSON line each).
 *
 * @param peer     "ringmem", "llama.cpp", "llama.cpp-fa" (flash attention on), "jlama"
 * @param workload "prefill" or "decode"
 * @param tokens   prefill length (for decode: the context before the decoded tokens)
 * @param decode   tokens decoded (0 for prefill)
 * @param seconds  the timed part only (no load, no warm-up)
 * @param rssBytes the process's peak resident set (VmHWM); -1 when unknown
 * @param round    the alternation round: runs of one round are paired for ratios
 * @param format   "f32", "q8_0", ...
 * @param suite    "main" (the 200M model) or "long" (the long-context model)
 */
public record PeerRun(String peer, String workload, int tokens, int decode, int threads, double seconds, long rssBytes,
                      int round, String format, String suite) {
    public PeerRun {
        if (peer == null || workload == null || format == null || suite == null) {
            throw new IllegalArgumentException("peer, workload, format and suite are required");
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) throw new IllegalArgumentException("seconds must be > 0, got " + seconds);
        if (tokens < 1 || decode < 0) throw new IllegalArgumentException("tokens >= 1, decode >= 0");
    }

    /** The workload this run belongs to: runs with equal keys are compared. */
    public String key() {
        return suite + "|" + format + "|" + workload + "|" + tokens + "|" + decode;
    }
}
