package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.LogitsSink;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.model.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

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
 * <p>Retrieval is decided per query chunk of {@link SegmentConfig#blockTokens()} tokens at fixed offsets in the
 * segment, and shards are cut at chunk boundaries ({@link SegmentPipeline#runFor}), so every worker count gives the
 * same result to fp32 rounding (a segment of fewer than P chunks runs on one rank per chunk). Not
 * guaranteed: equality with exact attention (that is the point: the carried context is a bounded approximation of
 * the full prefix).
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

    /**
     * Scores under the settings resolved for this document ({@link SegmentConfig#resolvedFor}: positions
     * {@code auto} becomes window positions when the document is longer than the model's trained context).
     *
     * @param progress receives the number of segments finished
     */
    public SegmentScoreResult score(int[] ids, IntConsumer progress) {
        return score(ids, progress, false);
    }

    /**
     * As {@link #score(int[], IntConsumer)}; with {@code pooled} the result also carries the document's embedding, the
     * mean over all N tokens of the final hidden state after the final RMSNorm (summed per segment in double, as the
     * coordinator aggregates a distributed embed job).
     */
    public SegmentScoreResult score(int[] ids, IntConsumer progress, boolean pooled) {
        return score(ids, progress, pooled, p -> true, null);
    }

    /**
     * Scores only the positions {@code wanted} accepts (their next-token NLL; every other entry of the result's NLL
     * array is NaN, and so are the segment means that include one) and hands their logit rows to {@code sink} as
     * well. The forward pass is the same; positions not wanted skip only the output head.
     */
    public SegmentScoreResult score(int[] ids, IntPredicate wanted, LogitsSink sink, IntConsumer progress) {
        return score(ids, progress, false, wanted, sink);
    }

    private SegmentScoreResult score(int[] ids, IntConsumer progress, boolean pooled, IntPredicate wanted, LogitsSink sink) {
        int n = ids.length;
        if (n < 2) throw new RingmemException("scoring needs at least 2 tokens, got " + n);
        ModelConfig c = model.config();
        SegmentConfig seg = this.seg.resolvedFor(n, c.maxPositions());
        double[] nll = new double[n - 1];
        if (sink != null) Arrays.fill(nll, Double.NaN);
        int segments = (n + seg.segmentTokens() - 1) / seg.segmentTokens();
        double[] segMean = new double[segments];
        long rawBytes = 0, encodedBytes = 0, t0 = System.nanoTime();
        SegmentPipeline pipeline = new SegmentPipeline(model, seg, run.blockTokens());
        SegmentState state = pipeline.initial();
        List<float[]> memoryStates = new ArrayList<>();
        double[] pooledSum = pooled ? new double[c.dim()] : null;
        for (int s = 0; s < segments; s++) {
            int start = s * seg.segmentTokens(), end = Math.min(n, start + seg.segmentTokens());
            RunConfig segmentRun = pipeline.runFor(run.withRanks(seg.ranksFor(run.ranks(), end - start)));
            SequenceParallelPrefill prefill = new SequenceParallelPrefill(model, segmentRun);
            ExtraContext extra = pipeline.extraFor(state, store);
            TokenScores selection = pipeline.selection(extra, segmentRun.ranks());
            if (selection != null) extra = selection;
            PrefillResult r = prefill.run(Arrays.copyOfRange(ids, start, end), start, extra, p -> p < n - 1 && wanted.test(p),
                    (pos, logits, off) -> {
                        nll[pos] = LogProbs.nll(logits, off, c.vocabSize(), ids[pos + 1]);
                        if (sink != null) sink.accept(pos, logits, off);
                    }, pooled, l -> { });
            if (pooled) {
                for (int d = 0; d < pooledSum.length; d++) pooledSum[d] += r.hiddenSum()[d];
            }
            SegmentPipeline.Finished f = pipeline.finish(state, r.caches(), end, store, selection == null ? null : selection.total());
            state = f.state();
            if (pipeline.memoryTokens() > 0) memoryStates.add(state.memory());
            rawBytes += f.rawBytes();
            encodedBytes += f.encodedBytes();
            double sum = 0;
            int last = Math.min(end, n - 1);
            for (int p = start; p < last; p++) sum += nll[p];
            segMean[s] = last > start ? sum / (last - start) : Double.NaN;
            progress.accept(s + 1);
        }
        float[] embedding = null;
        if (pooled) {
            embedding = new float[pooledSum.length];
            for (int d = 0; d < embedding.length; d++) embedding[d] = (float) (pooledSum[d] / n);
        }
        return new SegmentScoreResult(n, run.ranks(), nll, segments, store.storedBytes(),
                encodedBytes == 0 ? 1 : (double) rawBytes / encodedBytes, segMean, System.nanoTime() - t0,
                pipeline.memoryTokens(), memoryStates, seg.positions(), seg.contextTokens(), embedding);
    }
}
