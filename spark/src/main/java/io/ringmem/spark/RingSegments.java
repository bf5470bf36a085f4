package io.ringmem.spark;

import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.KvCache;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.RankPrefill;
import io.ringmem.forward.RunConfig;
import io.ringmem.ring.RingChannel;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.KvBlockStore;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentPipeline;
import io.ringmem.segment.SegmentState;
import io.ringmem.segment.SegmentStateCodec;
import io.ringmem.segment.TokenScores;
import io.ringmem.worker.ShardKvCodec;
import io.ringmem.worker.TcpRingTransport;
import io.ringmem.worker.ring.KvBlockFrames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rank r's part of one document in the ring execution's segment mode: the document is cut into segments of
 * {@code segmentTokens} and each runs over the same TCP ring as the steps of {@link SegmentPipeline} (the pipeline of
 * the in-process {@code SegmentedScorer} and of the worker processes): every rank of the segment reads the carried
 * context ({@code extraFor}, retrieval over the blocks in the {@link RingStore}), runs its zigzag shard of the segment
 * ({@link RankPrefill}) and writes its exact KV shard and query sums to the store; after a barrier rank 0 finishes the
 * segment ({@code finish}: compressed blocks written to the store, the next carried state) and stores the state; after
 * a second barrier every rank reads it. A segment shorter than P chunks runs on fewer ranks, as in-process
 * ({@code SegmentConfig.ranksFor}); the others wait at the barriers.
 *
 * <p>Every rank must call {@link #run} for the same documents in the same order (the barriers pair up).
 */
final class RingSegments {
    /** A barrier of the stage's P tasks (BarrierTaskContext.barrier in the job; every rank calls it equally often). */
    interface Barrier {
        void await();
    }

    private final AnalysisSpec spec;
    private final ExecutorModel model;
    private final TcpRingTransport transport;
    private final RingStore store;
    private final Barrier barrier;
    private final String[] ring; // rank → its ring server's host:port
    private final byte[] key;
    private final Duration stepTimeout;

    RingSegments(AnalysisSpec spec, ExecutorModel model, TcpRingTransport transport, RingStore store, Barrier barrier,
                 String[] ring, byte[] key, Duration stepTimeout) {
        this.spec = spec;
        this.model = model;
        this.transport = transport;
        this.store = store;
        this.barrier = barrier;
        this.ring = ring;
        this.key = key;
        this.stepTimeout = stepTimeout;
    }

    /** Whether {@code tokens} tokens run in segments (more than one segment) rather than as one exact prefill. */
    static boolean segmented(AnalysisSpec spec, int tokens) {
        return tokens > spec.segment().segmentTokens();
    }

    /**
     * Runs this rank's part of the document {@code ids} (N tokens).
     *
     * @param document the document's key in the store, unique within the stage attempt
     */
    RankPart run(int rank, long seq, String id, String document, int[] ids) {
        LlamaModel llama = model.llama();
        int p = spec.ringSize(), n = ids.length, kvDim = llama.config().kvDim();
        SegmentConfig seg = spec.segment().resolvedFor(n, llama.config().maxPositions());
        SegmentPipeline pipeline = new SegmentPipeline(llama, seg, spec.blockTokens());
        KvBlockStore blocks = store.blocks(document);
        boolean embed = spec.task() == AnalysisTask.EMBED;
        SegmentState state = pipeline.initial();
        int segments = (n + seg.segmentTokens() - 1) / seg.segmentTokens();
        double[] nllAt = new double[n];
        List<Integer> positions = new ArrayList<>();
        double[] hidden = embed ? new double[llama.config().dim()] : null;
        long raw = 0, encoded = 0;
        for (int s = 0; s < segments; s++) {
            int start = s * seg.segmentTokens(), end = Math.min(n, start + seg.segmentTokens());
            RunConfig run = pipeline.runFor(new RunConfig(p, ShardSchedule.ZIGZAG, spec.blockTokens(), stepTimeout)
                    .withRanks(seg.ranksFor(p, end - start)));
            int ranks = run.ranks();
            if (rank < ranks) {
                ExtraContext extra = pipeline.extraFor(state, blocks);
                TokenScores selection = pipeline.selection(extra, ranks); // records this rank's queries only
                if (selection != null) extra = selection;
                RankPrefill.Output o = prefill(run, document + "-s" + s, rank, Arrays.copyOfRange(ids, start, end), start, ids, nllAt,
                        extra, embed);
                KvCache cache = o.cache();
                store.putShard(document, s, rank, ShardKvCodec.encode(cache, kvDim), selection == null ? null : selection.rank(rank));
                for (int i = 0; i < cache.size(); i++) if (cache.positions()[i] < n - 1) positions.add(cache.positions()[i]);
                if (embed) for (int d = 0; d < hidden.length; d++) hidden[d] += o.hiddenSum()[d];
            }
            barrier.await(); // every shard of segment s is in the store
            if (rank == 0) {
                SegmentPipeline.Finished f = finish(pipeline, state, document, s, ranks, end, blocks);
                state = f.state();
                raw += f.rawBytes();
                encoded += f.encodedBytes();
                if (s + 1 < segments) store.putState(document, SegmentStateCodec.encode(state));
            }
            barrier.await(); // the state after segment s is in the store
            if (rank != 0 && s + 1 < segments) state = SegmentStateCodec.decode(store.state(document, s));
        }
        int[] mine = positions.stream().mapToInt(Integer::intValue).toArray();
        double[] nll = new double[mine.length];
        for (int i = 0; i < mine.length; i++) nll[i] = nllAt[mine[i]];
        float[] hiddenSum = null;
        if (embed) {
            hiddenSum = new float[hidden.length];
            for (int d = 0; d < hidden.length; d++) hiddenSum[d] = (float) hidden[d];
        }
        if (rank != 0) return new RankPart(seq, id, rank, n, mine, nll, hiddenSum, null, segments, 0, 1);
        long storeBytes = blocks.storedBytes();
        store.deleteDocument(document); // the others read nothing of it after the last barrier
        return new RankPart(seq, id, rank, n, mine, nll, hiddenSum, null, segments, storeBytes,
                encoded == 0 ? 1 : (double) raw / encoded);
    }

    private RankPrefill.Output prefill(RunConfig run, String session, int rank, int[] segIds, int start, int[] ids, double[] nllAt,
                                       ExtraContext extra, boolean embed) {
        int n = ids.length, vocab = model.vocabSize(), ranks = run.ranks();
        int most = 0;
        for (int r = 0; r < ranks; r++) most = Math.max(most, run.schedule().positions(r, ranks, segIds.length, run.grain()).length);
        int maxFrame = KvBlockFrames.blockFrameBytes(most, model.llama().config().kvDim());
        RingChannel channel = transport.open(session, rank, ranks, ring[(rank + 1) % ranks], stepTimeout, key, maxFrame);
        try {
            return new RankPrefill(model.llama(), run).run(segIds, start, extra, channel, pos -> pos < n - 1,
                    (pos, logits, off) -> nllAt[pos] = LogProbs.nll(logits, off, vocab, ids[pos + 1]), embed, l -> { });
        } catch (RuntimeException | Error e) {
            transport.abort(channel, "rank " + rank + " failed: " + e.getMessage());
            throw e;
        } finally {
            channel.close();
        }
    }

    private SegmentPipeline.Finished finish(SegmentPipeline pipeline, SegmentState state, String document, int s, int ranks, int end,
                                            KvBlockStore blocks) {
        List<KvCache> shards = new ArrayList<>(ranks);
        List<QuerySums> queries = new ArrayList<>(ranks);
        for (int r = 0; r < ranks; r++) { // rank order, as in-process
            shards.add(ShardKvCodec.decode(store.shard(document, s, r)));
            store.queries(document, s, r).ifPresent(queries::add);
        }
        store.deleteShards(document, s, ranks);
        return pipeline.finish(state, shards, end, blocks, queries.isEmpty() ? null : QuerySums.total(queries));
    }
}
