package io.ringmem.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ringmem.RingmemException;
import io.ringmem.cluster.DocumentStates;
import io.ringmem.cluster.RequestHandler;
import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.Generator;
import io.ringmem.forward.KvCache;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.RankPrefill;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Sampler;
import io.ringmem.protocol.AskTask;
import io.ringmem.protocol.FinalizeResult;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.GenerateTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.protocol.TokensResult;
import io.ringmem.protocol.WorkerRequest;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.segment.DocumentAnswerer;
import io.ringmem.segment.KvBlockStore;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.segment.SegmentPipeline;
import io.ringmem.segment.SegmentState;
import io.ringmem.segment.TokenScores;
import io.ringmem.worker.ring.KvBlockFrames;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a worker does with the requests the coordinator sends it. One instance per worker process, shared by
 * concurrent requests (the model is read-only; each request builds its own per-call state).
 *
 * <p>A shard task fails (and aborts its ring session, so the neighbours fail too) rather than returning a partial
 * result; retrying is the coordinator's job. Not guaranteed: that a failed task left nothing in the store (a shard
 * may have been written); finalize and the next attempt overwrite or ignore such leftovers.
 */
public final class Worker implements RequestHandler {
    private final String name;
    private final LlamaModel model;
    private final int blockTokens;
    private final Function<String, KvBlockStore> blockStores; // documentId → its stored blocks
    private final DocumentStates states;
    private final RingTransport transport;
    private final RingKeys ringKeys;
    private final WorkerMetrics metrics;

    /** @param ringKeys how a shard task's nonce becomes its ring session key (derived from the cluster secret, if any) */
    public Worker(String name, LlamaModel model, int blockTokens, Function<String, KvBlockStore> blockStores,
                  DocumentStates states, RingTransport transport, RingKeys ringKeys, MeterRegistry registry) {
        this.name = name;
        this.model = model;
        this.blockTokens = blockTokens;
        this.blockStores = blockStores;
        this.states = states;
        this.transport = transport;
        this.ringKeys = Objects.requireNonNull(ringKeys, "ringKeys");
        this.metrics = new WorkerMetrics(registry, name);
    }

    public String name() {
        return name;
    }

    public String ringAddress() {
        return transport.address();
    }

    /** Runs one request on the caller's thread. */
    @SuppressWarnings("unchecked")
    @Override
    public <R extends Serializable> R handle(WorkerRequest<R> request) {
        String type = request.getClass().getSimpleName();
        Timer.Sample sample = metrics.start();
        try {
            Object out = switch (request) {
                case ShardTask t -> shard(t);
                case FinalizeTask t -> finish(t);
                case AskTask t -> ask(t);
                case GenerateTask t -> generate(t);
            };
            metrics.done(sample, type, "ok");
            return (R) out;
        } catch (RuntimeException | Error e) {
            metrics.done(sample, type, "failed");
            throw e;
        }
    }

    private ShardResult shard(ShardTask t) {
        long t0 = System.nanoTime();
        SegmentPipeline pipeline = pipeline(t.settings());
        SegmentState state = stateBefore(pipeline, t.documentId(), t.segment());
        ExtraContext extra = pipeline.extraFor(state, blockStores.apply(t.documentId()));
        TokenScores selection = pipeline.selection(extra, t.ranks()); // records this rank's queries only
        if (selection != null) extra = selection;
        RunConfig run = pipeline.runFor(new RunConfig(t.ranks(), ShardSchedule.parse(t.schedule()), blockTokens,
                Duration.ofMillis(t.stepTimeoutMillis())));
        int[] ids = t.segmentIds();
        int n = ids.length, first = t.firstPosition(), vocab = model.config().vocabSize();
        double[] nllByOffset = new double[n]; // written by the rank's thread only
        Arrays.fill(nllByOffset, Double.NaN);
        CountingChannel channel = new CountingChannel(transport.open(t.sessionId(), t.rank(), t.ranks(), t.nextAddress(),
                run.stepTimeout(), ringKeys.sessionKey(t.sessionId(), t.sessionNonce()), maxBlockFrameBytes(run, n)));
        RankPrefill.Output out;
        try {
            out = new RankPrefill(model, run).run(ids, first, extra, channel,
                    p -> t.scoreTokens() && (p - first < n - 1 || t.nextToken() >= 0),
                    (p, logits, off) -> {
                        int next = p - first + 1 < n ? ids[p - first + 1] : t.nextToken();
                        nllByOffset[p - first] = LogProbs.nll(logits, off, vocab, next);
                    }, t.embed(), l -> { });
        } catch (RuntimeException | Error e) {
            transport.abort(channel.inner(), "rank " + t.rank() + " on " + name + " failed: " + e.getMessage());
            throw e;
        } finally {
            channel.close();
        }
        KvCache cache = out.cache();
        states.putShard(t.sessionId(), t.rank(), ShardKvCodec.encode(cache, model.config().kvDim()));
        int[] positions = Arrays.copyOf(cache.positions(), cache.size());
        double[] nll = new double[positions.length];
        for (int i = 0; i < positions.length; i++) nll[i] = nllByOffset[positions[i] - first];
        long bytes = channel.bytesSent();
        metrics.shard(positions.length, out.ringWaitNanos(), bytes);
        return new ShardResult(t.rank(), name, positions, nll, out.hiddenSum(), System.nanoTime() - t0, out.ringWaitNanos(), bytes,
                selection == null ? null : selection.rank(t.rank()));
    }

    private FinalizeResult finish(FinalizeTask t) {
        SegmentPipeline pipeline = pipeline(t.settings());
        SegmentState state = stateBefore(pipeline, t.documentId(), t.segment());
        String session = ShardTask.ringSession(t.jobId(), t.documentId(), t.segment(), t.session());
        List<KvCache> shards = new ArrayList<>(t.ranks());
        for (int r = 0; r < t.ranks(); r++) {
            int rank = r;
            byte[] bytes = states.shard(session, r).orElseThrow(() -> new RingmemException(
                    "KV shard of rank " + rank + " for segment " + t.segment() + " of '" + t.documentId() + "' is missing from the store"));
            shards.add(ShardKvCodec.decode(bytes));
        }
        QuerySums queries = t.queries().isEmpty() ? null : QuerySums.total(t.queries()); // rank order, as in-process
        SegmentPipeline.Finished f = pipeline.finish(state, shards, t.end(), blockStores.apply(t.documentId()), queries);
        if (f.state().segmentsDone() != t.segment() + 1) {
            throw new IllegalStateException("state after segment " + t.segment() + " counts " + f.state().segmentsDone());
        }
        long stateBytes = states.putState(t.documentId(), f.state());
        states.deleteShards(session, t.ranks());
        return new FinalizeResult(f.rawBytes(), f.encodedBytes(), stateBytes);
    }

    private TokensResult ask(AskTask t) {
        long t0 = System.nanoTime();
        SegmentState state = states.latest(t.documentId()).orElseThrow(() -> new RingmemException(
                "document '" + t.documentId() + "' has no stored state: process it first with a score or embed job"));
        int[] answer = new DocumentAnswerer(model, t.settings(), blockTokens)
                .answer(state, blockStores.apply(t.documentId()), t.questionIds(), t.maxTokens(), id -> contains(t.stopIds(), id));
        return new TokensResult(answer, name, System.nanoTime() - t0);
    }

    private TokensResult generate(GenerateTask t) {
        long t0 = System.nanoTime();
        int[] all = new Generator(model, RunConfig.of(1, ShardSchedule.ZIGZAG)).generate(t.promptIds(), t.maxTokens(),
                new Sampler(t.temperature(), t.topP(), t.seed()), id -> contains(t.stopIds(), id), id -> true);
        return new TokensResult(Arrays.copyOfRange(all, t.promptIds().length, all.length), name, System.nanoTime() - t0);
    }

    /**
     * The ring session's frame bound: the BLOCK of the largest shard (every block a rank sends in the ring is one
     * layer of some rank's shard: its tokens × the model's KV width). Shards are cut as the run cuts them (its
     * grain included), so the bound is exactly the largest block that can travel.
     */
    private int maxBlockFrameBytes(RunConfig run, int tokens) {
        int most = 0;
        for (int r = 0; r < run.ranks(); r++) {
            most = Math.max(most, run.schedule().positions(r, run.ranks(), tokens, run.grain()).length);
        }
        return KvBlockFrames.blockFrameBytes(most, model.config().kvDim());
    }

    private SegmentState stateBefore(SegmentPipeline pipeline, String documentId, int segment) {
        if (segment == 0) return pipeline.initial();
        return states.state(documentId, segment).orElseThrow(() -> new RingmemException(
                "carried state of '" + documentId + "' after segment " + (segment - 1) + " is missing from the store"));
    }

    private SegmentPipeline pipeline(SegmentConfig s) {
        return new SegmentPipeline(model, s, blockTokens);
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) if (i == id) return true;
        return false;
    }
}
