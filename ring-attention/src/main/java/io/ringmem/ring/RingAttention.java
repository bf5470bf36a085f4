package io.ringmem.ring;

import io.ringmem.RingmemException;
import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Exact attention for one rank's queries over the keys and values of all ranks of a ring (Liu et al., 2023).
 *
 * <p>Step 0 attends to the rank's own block; then, for P-1 steps, the block received from the previous rank is
 * forwarded to the next rank and its receive for the following step is posted <em>before</em> the current block
 * is computed, so transport overlaps compute (double buffering: one block in use, one in flight). Partials are
 * merged with {@link AttentionMerge}. Under a causal mask, blocks whose first key comes after every query are
 * skipped without compute (they still travel, since later ranks need them).
 *
 * <p>The queries are given either as a host array (attended with the kernels this object was made with) or as
 * {@link RingQueries} (a backend's resident queries; the kernels are then unused). Every rank of the ring must call
 * {@link #attend} for the same layers in the same order. The result equals
 * full attention over the union of all blocks up to fp32 rounding of the merge.
 */
public final class RingAttention {
    private final Kernels kernels;
    private final AttentionShape shape;
    private final Duration stepTimeout;

    public RingAttention(Kernels kernels, AttentionShape shape, Duration stepTimeout) {
        this.kernels = kernels;
        this.shape = shape;
        this.stepTimeout = stepTimeout;
    }

    /**
     * @param channel this rank's links
     * @param local   this rank's keys and values for the layer (sent around the ring)
     * @param q       (nq, heads, headDim) this rank's rotated queries
     * @param qPos    (nq) their global positions, ascending
     * @param out     (nq, heads, headDim) receives the attention output
     * @return statistics of this call
     */
    public RingStats attend(RingChannel channel, KvBlock local, float[] q, int[] qPos, int nq, boolean causal,
                            float[] out) {
        return attend(channel, local, q, qPos, nq, causal, out, new float[nq * shape.heads()]);
    }

    /** As {@link #attend(RingChannel, KvBlock, float[], int[], int, boolean, float[])}, also returning the
     * log-sum-exp (nq, heads) in {@code lse}, so more partials can be merged into the result. */
    public RingStats attend(RingChannel channel, KvBlock local, float[] q, int[] qPos, int nq, boolean causal,
                            float[] out, float[] lse) {
        return attend(channel, local, new HostQueries(q, qPos, nq), qPos, nq, causal, out, lse);
    }

    /**
     * The general form: the queries are wherever {@code queries} keeps them (for example a backend's resident
     * projection); only the KV blocks and each step's partial {@code (out, lse)} are on the host.
     *
     * @param qPos (nq) the queries' global positions, ascending
     * @param out  (nq, heads, headDim) receives the attention output
     * @param lse  (nq, heads) receives its log-sum-exp
     */
    public RingStats attend(RingChannel channel, KvBlock local, RingQueries queries, int[] qPos, int nq,
                            boolean causal, float[] out, float[] lse) {
        int ranks = channel.size();
        int rows = nq * shape.heads();
        CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);
        CompletableFuture<KvBlock> incoming = null;
        if (ranks > 1) {
            sending = channel.sendNext(local);
            incoming = channel.receivePrev();
        }
        long computeNanos = 0, waitNanos = 0;
        int skipped = 0;
        long t0 = System.nanoTime();
        queries.attendLocal(local, causal, out, lse);
        computeNanos += System.nanoTime() - t0;

        float[] partOut = ranks > 1 ? new float[rows * shape.headDim()] : null;
        float[] partLse = ranks > 1 ? new float[rows] : null;
        int maxQ = nq == 0 ? Integer.MIN_VALUE : qPos[nq - 1];
        for (int step = 1; step < ranks; step++) {
            long w0 = System.nanoTime();
            KvBlock block = await(incoming, channel, step);
            waitNanos += System.nanoTime() - w0;
            if (block.layer() != local.layer()) {
                throw new IllegalStateException("rank " + channel.rank() + " expected layer " + local.layer()
                        + " but received layer " + block.layer() + " from rank " + block.sourceRank());
            }
            if (step < ranks - 1) {
                await(sending, channel, step);
                sending = channel.sendNext(block);
                incoming = channel.receivePrev();
            }
            if (causal && block.minPosition() > maxQ) {
                skipped++;
                continue;
            }
            long c0 = System.nanoTime();
            queries.attend(block, causal, partOut, partLse);
            AttentionMerge.mergeInto(out, lse, partOut, partLse, rows, shape.headDim());
            computeNanos += System.nanoTime() - c0;
        }
        await(sending, channel, ranks);
        return new RingStats(computeNanos, waitNanos, skipped);
    }

    /** Queries in a host array, attended with this ring's kernels. */
    private final class HostQueries implements RingQueries {
        private final float[] q; // (nq, heads, headDim)
        private final int[] qPos;
        private final int nq;

        HostQueries(float[] q, int[] qPos, int nq) {
            this.q = q;
            this.qPos = qPos;
            this.nq = nq;
        }

        @Override
        public void attendLocal(KvBlock local, boolean causal, float[] out, float[] lse) {
            attend(local, causal, out, lse);
        }

        @Override
        public void attend(KvBlock b, boolean causal, float[] out, float[] lse) {
            kernels.attention(shape, q, qPos, nq, b.k(), b.v(), b.positions(), b.tokens(), causal, out, lse);
        }
    }

    private <T> T await(CompletableFuture<T> f, RingChannel ch, int step) {
        try {
            return f.get(stepTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RingmemException("ring step " + step + " of rank " + ch.rank() + " timed out after "
                    + stepTimeout.toSeconds() + " s waiting for rank " + Math.floorMod(ch.rank() - 1, ch.size()));
        } catch (ExecutionException e) {
            throw new RingmemException("ring step " + step + " of rank " + ch.rank() + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingmemException("interrupted in ring step " + step + " of rank " + ch.rank());
        }
    }

    /**
     * Time split of one {@link #attend} call.
     *
     * @param computeNanos time in attention kernels and merges
     * @param waitNanos    time blocked waiting for the previous rank's block (transport not hidden by compute)
     * @param skippedBlocks blocks skipped because the causal mask hid them entirely
     */
    public record RingStats(long computeNanos, long waitNanos, int skippedBlocks) {
    }
}
