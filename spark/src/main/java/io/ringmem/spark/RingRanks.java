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
 * document. A rank that fails aborts its session (the neighbours fail promptly) and fails the task; Spark then
 * retries the whole barrier stage.
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
        TcpRingTransport transport = TcpRingTransport.start(host, 0, host);
        ctx.addTaskCompletionListener((TaskCompletionListener) t -> transport.close());
        String key = rank == 0 ? HexFormat.of().formatHex(newKey()) : "-";
        String[] peers = ctx.allGather(transport.address() + " " + key); // by partition id = rank
        String next = peers[(rank + 1) % p].split(" ")[0];
        byte[] sessionKey = HexFormat.of().parseHex(peers[0].split(" ")[1]);
        ExecutorModel model = ExecutorModels.get(spec);
        String stage = "spark-" + ctx.stageId() + "-" + ctx.stageAttemptNumber();
        List<RankPart> out = new ArrayList<>();
        while (rows.hasNext()) {
            Tuple2<Tuple2<Integer, Long>, Row> t = rows.next();
            long seq = t._1()._2();
            InputDocument doc = InputDocument.of(t._2(), tokens);
            int[] ids;
            try {
                ids = doc.ids(model.tokenizer(), model.vocabSize(), spec.maxDocumentTokens());
                if (ids.length < p) {
                    throw new BadDocumentException("the document has " + ids.length + " tokens, fewer than the ring's " + p + " ranks");
                }
            } catch (BadDocumentException e) { // every rank sees the same error and skips the document
                if (rank == 0) out.add(new RankPart(seq, doc.id(), 0, 0, null, null, null, e.getMessage()));
                continue;
            }
            out.add(runRank(model, transport, stage + "-" + seq, rank, next, sessionKey, seq, doc.id(), ids));
        }
        return CollectionConverters.asScala(out.iterator());
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
        return new RankPart(seq, id, rank, n, positions, nll, o.hiddenSum(), null);
    }

    private static byte[] newKey() {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
