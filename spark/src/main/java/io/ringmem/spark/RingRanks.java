package io.ringmem.spark;

import io.ringmem.forward.ExtraContext;
import io.ringmem.forward.LogProbs;
import io.ringmem.forward.RankPrefill;
import io.ringmem.forward.RunConfig;
import io.ringmem.ring.RingChannel;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.worker.TcpRingTransport;
import io.ringmem.worker.ring.KvBlockFrames;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One barrier task of the ring execution, rank r of P: starts a TCP ring server on the executor's host (any free
 * port), learns the other ranks' addresses and rank 0's 32-byte session key through {@code allGather}, then runs every
 * document of its partition (the same documents, in the same order, on every rank) as rank r of an exact
 * sequence-parallel prefill ({@link RankPrefill} over the worker's {@link TcpRingTransport}), one ring session per
 * document. Documents longer than {@code segmentTokens} run in segments instead ({@link RingSegments}): if the partition
 * has any, rank 0 starts the stage's Hazelcast member and the other ranks connect to it ({@link RingStore}). A rank
 * that fails aborts its session (the neighbours fail promptly) and fails the task; Spark then retries the whole
 * barrier stage. A rank whose task Spark kills (another rank's failed) closes its ring at once ({@link KillWatch}), so
 * the retry does not wait for its step timeout.
 *
 * <p>The key travels through Spark's RPC (driver and executors): it is as secret as that channel is
 * ({@code spark.authenticate}, {@code spark.network.crypto.enabled}). Ring peers must prove it before any block
 * is accepted.
 */
final class RingRanks extends AbstractFunction1<Iterator<Tuple2<Tuple2<Integer, Long>, Row>>, Iterator<RankPart>>
        implements Serializable {
    private static final int KEY_BYTES = 32;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);

    private final AnalysisSpec spec;
    private final boolean tokens;

    RingRanks(AnalysisSpec spec, boolean tokens) {
        this.spec = spec;
        this.tokens = tokens;
    }

    @Override
    public Iterator<RankPart> apply(Iterator<Tuple2<Tuple2<Integer, Long>, Row>> rows) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId(), p = spec.ringSize();
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        ExecutorModel model = ExecutorModels.get(spec);
        List<Input> inputs = new ArrayList<>();
        boolean segmented = false;
        while (rows.hasNext()) { // every rank reads the same documents, so every rank decides the same
            Input in = Input.of(rows.next(), tokens, model, spec);
            segmented |= in.ids() != null && RingSegments.segmented(spec, in.ids().length);
            inputs.add(in);
        }
        TcpRingTransport transport = TcpRingTransport.start(host, 0, host);
        ctx.addTaskCompletionListener((TaskCompletionListener) t -> transport.close());
        KillWatch watch = KillWatch.start(ctx, transport::close); // a killed task stops waiting on the ring at once
        ctx.addTaskCompletionListener((TaskCompletionListener) t -> watch.close());
        RingStore store = null;
        String cluster = rank == 0 && segmented ? RingStore.newStageSecret() : "-";
        if (rank == 0 && segmented) store = closing(ctx, RingStore.member(host, cluster));
        String key = rank == 0 ? HexFormat.of().formatHex(newKey()) : "-";
        String[] gathered = ctx.allGather(String.join(" ", transport.address(), key, cluster,
                store == null ? "-" : store.address())); // by partition id = rank
        String[] ring = new String[p];
        for (int r = 0; r < p; r++) ring[r] = gathered[r].split(" ")[0];
        String[] zero = gathered[0].split(" ");
        byte[] sessionKey = HexFormat.of().parseHex(zero[1]);
        if (rank != 0 && segmented) store = closing(ctx, RingStore.client(zero[3], zero[2]));
        RingSegments segments = segmented ? new RingSegments(spec, model, transport, store, ctx::barrier, ring, sessionKey, STEP_TIMEOUT)
                : null;
        String stage = "spark-" + ctx.stageId() + "-" + ctx.stageAttemptNumber();
        List<RankPart> out = new ArrayList<>();
        for (Input in : inputs) {
            if (in.error() != null) { // every rank sees the same error and skips the document
                if (rank == 0) out.add(RankPart.failed(in.seq(), in.id(), in.error()));
            } else if (RingSegments.segmented(spec, in.ids().length)) {
                out.add(segments.run(rank, in.seq(), in.id(), stage + "-" + in.seq(), in.ids()));
            } else {
                out.add(runRank(model, transport, stage + "-" + in.seq(), rank, ring[(rank + 1) % p], sessionKey, in.seq(), in.id(),
                        in.ids()));
            }
        }
        return CollectionConverters.asScala(out.iterator());
    }

    private static RingStore closing(BarrierTaskContext ctx, RingStore store) {
        ctx.addTaskCompletionListener((TaskCompletionListener) t -> store.close());
        return store;
    }

    /** One input row: its token ids, or why it cannot be run. */
    private record Input(long seq, String id, int[] ids, String error) {
        static Input of(Tuple2<Tuple2<Integer, Long>, Row> t, boolean tokens, ExecutorModel model, AnalysisSpec spec) {
            long seq = t._1()._2();
            InputDocument doc = InputDocument.of(t._2(), tokens);
            try {
                int[] ids = doc.ids(model.tokenizer(), model.vocabSize(), spec.maxDocumentTokens());
                if (ids.length < spec.ringSize()) {
                    throw new BadDocumentException("the document has " + ids.length + " tokens, fewer than the ring's "
                            + spec.ringSize() + " ranks");
                }
                return new Input(seq, doc.id(), ids, null);
            } catch (BadDocumentException e) {
                return new Input(seq, doc.id(), null, e.getMessage());
            }
        }
    }

    private RankPart runRank(ExecutorModel model, TcpRingTransport transport, String session, int rank, String next, byte[] key,
                             long seq, String id, int[] ids) {
        int p = spec.ringSize(), n = ids.length, vocab = model.vocabSize();
        RunConfig run = new RunConfig(p, ShardSchedule.ZIGZAG, spec.blockTokens(), STEP_TIMEOUT);
        int most = 0;
        for (int r = 0; r < p; r++) most = Math.max(most, run.schedule().positions(r, p, n, run.grain()).length);
        int maxFrame = KvBlockFrames.blockFrameBytes(most, model.llama().config().kvDim());
        double[] nllAt = new double[n];
        RingChannel channel = transport.open(session, rank, p, next, STEP_TIMEOUT, key, maxFrame);
        RankPrefill.Output o;
        try {
            o = new RankPrefill(model.llama(), run).run(ids, 0, ExtraContext.NONE, channel, pos -> pos < n - 1,
                    (pos, logits, off) -> nllAt[pos] = LogProbs.nll(logits, off, vocab, ids[pos + 1]),
                    spec.task() == AnalysisTask.EMBED, l -> { });
        } catch (RuntimeException | Error e) {
            transport.abort(channel, "rank " + rank + " failed: " + e.getMessage());
            throw e;
        } finally {
            channel.close();
        }
        int[] positions = Arrays.stream(o.cache().positions()).limit(o.cache().size()).filter(q -> q < n - 1).toArray();
        double[] nll = new double[positions.length];
        for (int i = 0; i < positions.length; i++) nll[i] = nllAt[positions[i]];
        return RankPart.exact(seq, id, rank, n, positions, nll, o.hiddenSum());
    }

    private static byte[] newKey() {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
