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
 */
public record PrefillResult(List<KvCache> caches, int tokens, long nanos, long ringWaitNanos, long attentionNanos) {
    public PrefillResult {
        caches = List.copyOf(caches);
    }

    public double tokensPerSecond() {
        return tokens / (nanos / 1e9);
    }
}
