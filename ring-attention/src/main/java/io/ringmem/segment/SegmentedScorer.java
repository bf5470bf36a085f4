package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.MemoryPass;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.forward.ShardGather;
import io.ringmem.kv.BlockSummary;
import io.ringmem.kv.KvCodec;
import io.ringmem.kv.KvCodecs;
import io.ringmem.kv.RetrievalIndex;
import io.ringmem.model.ModelConfig;
import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Scores a document segment by segment (training-free recurrence). Segment s runs over the ring like an exact
 * prefill of its own tokens, with its queries also attending to the carried context ({@link CarriedContext}).
 * Afterwards its KV of every layer is cut into blocks, compressed with the configured codec, written to the
 * {@link KvBlockStore} and indexed by block summaries for retrieval by later segments; the sinks (from the first
 * segment) and the last window are kept exact.
 *
 * <p>Memory tokens (RMT): when the weights have {@code ringmem.memory_tokens} and {@link SegmentConfig#memoryTokens()}
 * is on, each segment is seen as {@code [read memory | segment | write memory]} (see {@link MemoryPass}): the read
 * memory's K/V joins the carried context of every rank, the write tokens then attend to read memory, carried
 * context and the whole segment, and their final hidden states are the next segment's read memory. Segment 0 reads
 * the trained embeddings. Only segment tokens are scored.
 *
 * <p>Not guaranteed: equality with exact attention (that is the point: the carried context is a bounded
 * approximation of the full prefix); equality across worker counts when retrieval is on (each rank retrieves by
 * its own queries).
 */
public final class SegmentedScorer {
    private final LlamaModel model;
    private final RunConfig run;
    private final SegmentConfig seg;
    private final KvBlockStore store;

    public SegmentedScorer(LlamaModel model, RunConfig run, SegmentConfig seg, KvBlockStore store) {
        this.model = model;
        this.run = run;
        this.seg = seg;
        this.store = store;
    }

    /** @param progress receives the number of segments finished */
    public SegmentScoreResult score(int[] ids, IntConsumer progress) {
        int n = ids.length;
        if (n < 2) throw new RingmemException("scoring needs at least 2 tokens, got " + n);
        ModelConfig c = model.config();
        int layers = c.layers(), kvDim = c.kvDim();
        KvCodec codec = KvCodecs.byName(seg.codec(), seg.residualTokens());
        KvBlock[] sinks = new KvBlock[layers], window = new KvBlock[layers];
        RetrievalIndex[] indexes = new RetrievalIndex[layers];
        for (int l = 0; l < layers; l++) indexes[l] = new RetrievalIndex(c.heads(), c.kvHeads(), c.headDim());
        double[] nll = new double[n - 1];
        int segments = (n + seg.segmentTokens() - 1) / seg.segmentTokens();
        double[] segMean = new double[segments];
        long rawBytes = 0, encodedBytes = 0, t0 = System.nanoTime();
        SequenceParallelPrefill prefill = new SequenceParallelPrefill(model, run);
        boolean useMemory = seg.memoryTokens() && model.weights().hasMemoryTokens();
        int m = useMemory ? model.weights().memoryTokens().rows() : 0;
        float[] memory = useMemory ? model.weights().memoryTokens().toArray() : null; // (M, dim) read memory
        MemoryPass memoryPass = useMemory ? new MemoryPass(model, run.blockTokens()) : null;
        List<float[]> memoryStates = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            int start = s * seg.segmentTokens(), end = Math.min(n, start + seg.segmentTokens());
            if (end - start < run.workers()) {
                throw new RingmemException("segment " + s + " has " + (end - start) + " tokens, fewer than the "
                        + run.workers() + " workers; use a larger --segment-tokens or fewer workers");
            }
            CarriedContext carried = new CarriedContext(sinks, window, indexes, store, seg.retrieveTopK());
            MemoryPass.MemoryKv read = useMemory ? memoryPass.read(memory, m) : null;
            ExtraContext extra = useMemory ? new MemoryContext(read, carried) : carried;
            TokenScores selection = seg.keepRatio() < 1 ? new TokenScores(extra, layers, c.heads(), c.kvHeads(), c.headDim()) : null;
            if (selection != null) extra = selection;
            PrefillResult r = prefill.run(Arrays.copyOfRange(ids, start, end), start, extra, p -> p < n - 1,
                    (pos, logits, off) -> nll[pos] = LogProbs.nll(logits, off, c.vocabSize(), ids[pos + 1]), l -> { });
            KvBlock[] segmentKv = new KvBlock[layers]; // per layer, (end - start) tokens, ascending positions
            for (int l = 0; l < layers; l++) segmentKv[l] = ShardGather.layer(r.caches(), l, kvDim);
            if (useMemory) { // before the carried state below moves on to include this segment
                memory = memoryPass.write(memory, m, writeContext(read, carried, segmentKv, end));
                memoryStates.add(memory);
            }
            for (int l = 0; l < layers; l++) {
                KvBlock all = segmentKv[l];
                if (s == 0) sinks[l] = all.slice(0, Math.min(seg.sinkTokens(), all.tokens()));
                window[l] = all.slice(Math.max(0, all.tokens() - seg.windowTokens()), all.tokens());
                for (int b0 = 0, b = 0; b0 < all.tokens(); b0 += seg.blockTokens(), b++) {
                    KvBlock whole = all.slice(b0, Math.min(all.tokens(), b0 + seg.blockTokens()));
                    KvBlock block = selection == null ? whole : selection.select(whole, seg.keepRatio());
                    long id = BlockIds.of(s, b);
                    byte[] bytes = codec.encode(block.k(), block.v(), block.tokens(), c.kvHeads(), c.headDim());
                    store.put(l, id, block.positions(), bytes);
                    indexes[l].add(BlockSummary.of(id, block.k(), block.tokens(), c.kvHeads(), c.headDim()));
                    rawBytes += 8L * whole.tokens() * kvDim;
                    encodedBytes += bytes.length;
                }
            }
            double sum = 0;
            int last = Math.min(end, n - 1);
            for (int p = start; p < last; p++) sum += nll[p];
            segMean[s] = last > start ? sum / (last - start) : Double.NaN;
            progress.accept(s + 1);
        }
        return new SegmentScoreResult(n, run.workers(), nll, segments, store.storedBytes(),
                encodedBytes == 0 ? 1 : (double) rawBytes / encodedBytes, segMean, System.nanoTime() - t0, m, memoryStates);
    }

    /**
     * What the write tokens see at each layer: read memory, the carried context (retrieval by their own queries, as
     * if they were one more rank), and the whole segment.
     */
    private static MemoryPass.WriteContext writeContext(MemoryPass.MemoryKv read, CarriedContext carried,
                                                        KvBlock[] segmentKv, int end) {
        return (layer, q, nq) -> {
            int[] qPos = new int[nq];
            Arrays.fill(qPos, end);
            List<KvBlock> blocks = new ArrayList<>(new MemoryContext(read, carried).blocksFor(0, layer, q, qPos, nq));
            blocks.add(segmentKv[layer]);
            return blocks;
        };
    }
}
