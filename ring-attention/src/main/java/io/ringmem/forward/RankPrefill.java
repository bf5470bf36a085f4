package io.ringmem.forward;

import io.ringmem.RingmemException;
import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingAttention;
import io.ringmem.ring.RingChannel;

import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * One rank of a sequence-parallel prefill: the rank's shard of a sequence through every layer, with causal ring
 * attention over {@code channel} and attention to the extra context merged exactly. This is what a worker process
 * runs for its part of a segment; {@link SequenceParallelPrefill} runs P of these as threads.
 *
 * <p>Every rank of a ring must be given the same sequence, first position, schedule and ring size; the channel's
 * rank and size say which shard this is. Thread-confined: one call at a time per instance (the transformer blocks
 * are shared read-only state and may be used by several instances at once).
 */
public final class RankPrefill {
    private final LlamaModel model;
    private final RunConfig run;
    private final List<TransformerBlock> blocks;
    private final LogitsHead head;

    public RankPrefill(LlamaModel model, RunConfig run) {
        this(model, run, model.blocks(run.blockTokens()), model.head(run.blockTokens()));
    }

    RankPrefill(LlamaModel model, RunConfig run, List<TransformerBlock> blocks, LogitsHead head) {
        this.model = model;
        this.run = run;
        this.blocks = blocks;
        this.head = head;
    }

    /**
     * What one rank's pass leaves.
     *
     * @param cache         the rank's KV of every layer (its shard's positions, global)
     * @param hiddenSum     (dim) sum over the rank's tokens of the final hidden state after the final RMSNorm, or
     *                      null when not asked for
     * @param ringWaitNanos time blocked on the ring
     * @param attentionNanos time in attention kernels and merges
     */
    public record Output(KvCache cache, float[] hiddenSum, long ringWaitNanos, long attentionNanos) {
    }

    /**
     * @param ids           (N) the whole sequence (every rank gets all of it and picks its shard by the schedule)
     * @param firstPosition global position of {@code ids[0]}
     * @param extra         extra context merged into every layer's attention
     * @param channel       this rank's ring links; {@code channel.size()} must equal {@code run.ranks()}
     * @param wanted        global positions whose logits go to {@code sink}
     * @param pooled        whether to compute {@link Output#hiddenSum()}
     * @param progress      gets the number of layers finished (1 … L)
     */
    public Output run(int[] ids, int firstPosition, ExtraContext extra, RingChannel channel, IntPredicate wanted,
                      LogitsSink sink, boolean pooled, IntConsumer progress) {
        if (channel.size() != run.ranks()) {
            throw new IllegalArgumentException("ring of " + channel.size() + " ranks for a run of " + run.ranks() + " ranks");
        }
        if (ids.length < run.ranks()) {
            throw new RingmemException(run.ranks() + " workers need at least " + run.ranks() + " tokens; the input has " + ids.length);
        }
        ModelConfig c = model.config();
        int rank = channel.rank();
        int[] pos = run.schedule().positions(rank, run.ranks(), ids.length); // (n) ascending global positions
        int n = pos.length;
        int[] local = new int[n];
        for (int i = 0; i < n; i++) {
            local[i] = ids[pos[i]];
            pos[i] += firstPosition;
        }
        for (int id : local) Embedding.checkId(model.weights().embedding(), id);
        float[] h = Embedding.lookup(model.weights().embedding(), local); // (n, dim)
        RotaryAngles angles = model.rope().angles(pos, n);
        KvCache cache = new KvCache(c.layers(), c.kvDim());
        cache.startWith(pos);
        RingAttention ringAttention = new RingAttention(model.kernels(), model.attentionShape(), run.stepTimeout());
        float[] attn = new float[n * c.qDim()]; // (n, heads, headDim)
        float[] lse = new float[n * c.heads()], part = new float[attn.length], partLse = new float[lse.length];
        long wait = 0, attention = 0;
        for (int l = 0; l < c.layers(); l++) {
            TransformerBlock.Qkv qkv = blocks.get(l).project(h, n, angles);
            cache.setLayer(l, qkv.k(), qkv.v());
            RingAttention.RingStats s = ringAttention.attend(channel, new KvBlock(l, rank, pos, qkv.k(), qkv.v()),
                    qkv.q(), pos, n, true, attn, lse);
            wait += s.waitNanos();
            long e0 = System.nanoTime();
            for (KvBlock b : extra.blocksFor(rank, l, qkv.q(), pos, n)) {
                model.kernels().attention(model.attentionShape(), qkv.q(), pos, n, b.k(), b.v(), b.positions(), b.tokens(),
                        true, part, partLse);
                AttentionMerge.mergeInto(attn, lse, part, partLse, n * c.heads(), c.headDim());
            }
            attention += s.computeNanos() + System.nanoTime() - e0;
            blocks.get(l).finish(h, n, attn);
            progress.accept(l + 1);
        }
        head.emit(h, pos, n, wanted, sink);
        float[] hiddenSum = pooled ? head.normedSum(h, n) : null;
        return new Output(cache, hiddenSum, wait, attention);
    }
}
