package io.ringmem.forward;

import io.ringmem.RingmemException;
import io.ringmem.backend.Activations;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
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
 * rank and size say which shard this is. Thread-confined: one call at a time per instance (the resident model is
 * shared read-only state and may be used by several instances at once).
 *
 * <p>The layers run on the model's backend ({@link DeviceModel}); the hidden states stay there from the embedding
 * to the logits. Per layer, what crosses to the host is the rank's keys and values (sent around the ring and kept
 * as its KV cache shard), each attention partial {@code (out, lse)} (merged exactly here), the queries when the
 * extra context scores retrieval with them, and the merged attention output going back; at the end, the wanted
 * logits and the pooled hidden state.
 */
public final class RankPrefill {
    private final LlamaModel model;
    private final RunConfig run;
    private final LogitsHead head;

    public RankPrefill(LlamaModel model, RunConfig run) {
        this.model = model;
        this.run = run;
        this.head = model.head(run.blockTokens());
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
     * @param wanted        global positions whose logits go to {@code sink}; when the extra context's last-layer parts
     *                      are per query ({@link ExtraContext#rowsIndependent}) and {@code pooled} is false, the last
     *                      layer's carried context is computed for these positions only ({@link ScoredRows})
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
        int[] pos = run.schedule().positions(rank, run.ranks(), ids.length, run.grain()); // (n) ascending global positions
        int n = pos.length;
        int[] local = new int[n];
        for (int i = 0; i < n; i++) {
            local[i] = ids[pos[i]];
            pos[i] += firstPosition;
        }
        for (int id : local) Embedding.checkId(model.weights().embedding(), id);
        DeviceModel device = model.device();
        int blockTokens = run.blockTokens();
        int[] rotary = pos.clone(); // (n) rotary positions: global minus the extra context's offset (positions policy)
        for (int i = 0; i < n; i++) rotary[i] -= extra.rotaryOffset();
        RotaryAngles angles = model.rope().angles(rotary, n);
        KvCache cache = new KvCache(c.layers(), c.kvDim());
        cache.startWith(pos);
        RingAttention ringAttention = new RingAttention(model.kernels(), model.attentionShape(), run.stepTimeout());
        float[] attn = new float[n * c.qDim()]; // (n, heads, headDim)
        float[] lse = new float[n * c.heads()];
        // partials of the extra context's blocks: only allocated when there is one (at 32K tokens part alone is 128 MiB)
        boolean hasExtra = extra != ExtraContext.NONE;
        float[] part = hasExtra ? new float[attn.length] : null, partLse = hasExtra ? new float[lse.length] : null;
        long wait = 0, attention = 0;
        ScoredRows scored;
        float[] hiddenSum;
        try (Activations h = device.load(Embedding.lookup(model.weights().embedding(), local), n)) { // (n, dim)
            for (int l = 0; l < c.layers(); l++) {
                try (Projection qkv = device.project(l, h, angles, blockTokens)) {
                    float[] k = qkv.keysToHost(), v = qkv.valuesToHost(); // (n, kvHeads, headDim): ring and cache
                    cache.setLayer(l, k, v);
                    RingAttention.RingStats s = ringAttention.attend(channel, new KvBlock(l, rank, pos, k, v),
                            new DeviceQueries(device, qkv, pos), pos, n, true, attn, lse);
                    wait += s.waitNanos();
                    long e0 = System.nanoTime();
                    List<ExtraContext.Part> carried;
                    if (!hasExtra) carried = List.of();
                    else if (l == c.layers() - 1 && !pooled && extra.rowsIndependent(l)
                            && (scored = ScoredRows.of(pos, n, wanted)).prunes()) {
                        carried = scored.partsFor(extra, rank, l, qkv.queriesToHost(), pos, c.qDim()); // scored rows only
                    } else carried = extra.partsFor(rank, l, qkv.queriesToHost(), pos, n);
                    for (ExtraContext.Part p : carried) {
                        KvBlock b = p.block();
                        int[] mask = p.maskPositions() == null ? pos : p.maskPositions();
                        device.attend(qkv, mask, b.k(), b.v(), b.positions(), b.tokens(), true, part, partLse);
                        AttentionMerge.mergeInto(attn, lse, part, partLse, n * c.heads(), c.headDim());
                    }
                    attention += s.computeNanos() + System.nanoTime() - e0;
                }
                device.finish(l, h, attn, blockTokens);
                progress.accept(l + 1);
            }
            head.emit(h, pos, n, wanted, sink);
            hiddenSum = pooled ? head.normedSum(h) : null;
        }
        return new Output(cache, hiddenSum, wait, attention);
    }
}
