package io.ringmem.forward;

import java.util.List;

/**
 * What a sequence-parallel prefill leaves behind.
 *
 * @param caches          one KV cache per rank (rank order), ready for {@link Decoder}
 * @param tokens          N, the sequence length
 * @param nanos           wall time of the prefill
 * @param ringWaitNanos   summed over ranks and layers: time blocked on the ring (transport not hidden by compute)
 * @param attentionNanos  summed over ranks and layers: time in attention kernels and merges
 * @param hiddenSum       (dim) sum over every token of the final hidden state after the final RMSNorm (ranks added in
 *                        rank order), or null when the run was not pooled
 */
public record PrefillResult(List<KvCache> caches, int tokens, long nanos, long ringWaitNanos, long attentionNanos,
                            float[] hiddenSum) {
    public PrefillResult {
        caches = List.copyOf(caches);
    }

    /** A run that was not pooled. */
    public PrefillResult(List<KvCache> caches, int tokens, long nanos, long ringWaitNanos, long attentionNanos) {
        this(caches, tokens, nanos, ringWaitNanos, attentionNanos, null);
    }

    public double tokensPerSecond() {
        return tokens / (nanos / 1e9);
    }
}
