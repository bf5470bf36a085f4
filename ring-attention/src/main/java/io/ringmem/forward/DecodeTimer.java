package io.ringmem.forward;

/**
 * Where a decoder's steps spend their time, when asked ({@link Decoder#timeWith}): wall nanoseconds summed over
 * steps, taken with {@link System#nanoTime()} around whole phases of a step (a few dozen readings per step, none
 * inside a kernel). Matmul covers the layers' projections, feed-forward and the logits head (with the RMSNorms,
 * rotary and SwiGLU between them, which are small next to the matmuls); attention covers appending the token's
 * k, v to its shard, attention over every shard and the merge; the rest of a step (embedding row, rotary angles,
 * loop) is total minus both. On the CPU there is no separate device synchronisation: the kernels' thread joins
 * are inside the phases they belong to. Not thread-safe; one decoder per timer.
 */
public final class DecodeTimer {
    private long steps;
    private long totalNanos;
    private long matmulNanos;
    private long attentionNanos;

    void add(long total, long matmul, long attention) {
        steps++;
        totalNanos += total;
        matmulNanos += matmul;
        attentionNanos += attention;
    }

    /** Clears the sums (e.g. after warm-up). */
    public void reset() {
        steps = 0;
        totalNanos = 0;
        matmulNanos = 0;
        attentionNanos = 0;
    }

    public long steps() {
        return steps;
    }

    /** Wall time of the timed steps, from embedding lookup to logits. */
    public long totalNanos() {
        return totalNanos;
    }

    public long matmulNanos() {
        return matmulNanos;
    }

    public long attentionNanos() {
        return attentionNanos;
    }

    /** Total minus matmul and attention. */
    public long otherNanos() {
        return totalNanos - matmulNanos - attentionNanos;
    }
}
