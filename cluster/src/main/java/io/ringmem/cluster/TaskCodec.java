package io.ringmem.cluster;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.hazelcast.core.HazelcastInstance;
import io.ringmem.RingmemException;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.protocol.AskTask;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.protocol.FinalizeResult;
import io.ringmem.protocol.FinalizeTask;
import io.ringmem.protocol.GenerateTask;
import io.ringmem.protocol.ShardResult;
import io.ringmem.protocol.ShardTask;
import io.ringmem.protocol.TokensResult;
import io.ringmem.protocol.WorkerRequest;
import io.ringmem.segment.QuerySums;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import io.ringmem.store.crypto.StoreCipher;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Worker requests and replies on the {@link ClusterNames#EXECUTOR} executor: Kryo bytes of the protocol records
 * ({@link RecordCodec}, registration required) sealed by the cluster's {@link StoreCipher} under the call's id
 * (request and reply under distinct keys), so token ids and ring session keys cross the Hazelcast network only
 * encrypted, and a reply cannot be passed off as another call's. A worker's exception comes back as its kind and
 * message ({@link WorkerFailure}). Thread-safe.
 */
public final class TaskCodec {
    /** User-context key under which a member's process keeps its codec. */
    public static final String CONTEXT_KEY = "ringmem.task-codec";
    private static final byte OK = 0;
    private static final byte FAILED = 1;

    private final StoreCipher cipher;
    private final RecordCodec records = new RecordCodec(List.of(ShardTask.class, FinalizeTask.class, AskTask.class,
            GenerateTask.class, ShardResult.class, FinalizeResult.class, TokensResult.class, SegmentConfig.class,
            QuerySums.class, Positions.class, RetrievalScoring.class, IndexLayout.class),
            Map.of(QuerySums.class, QuerySumsSerializer::new));

    public TaskCodec(StoreCipher cipher) {
        this.cipher = cipher;
    }

    public StoreCipher cipher() {
        return cipher;
    }

    /**
     * The codec a member's process put in its user context ({@link ClusterOptions#memberConfig}); a plain one for an
     * instance configured otherwise (loopback tests).
     */
    public static TaskCodec of(HazelcastInstance hz) {
        return hz.getUserContext().get(CONTEXT_KEY) instanceof TaskCodec c ? c : new TaskCodec(StoreCipher.plain());
    }

    public byte[] sealRequest(String callId, WorkerRequest<?> request) {
        return cipher.seal(ClusterNames.EXECUTOR, callId + "/request", records.write(request));
    }

    public WorkerRequest<?> openRequest(String callId, byte[] sealed) {
        return records.read(cipher.open(ClusterNames.EXECUTOR, callId + "/request", sealed), WorkerRequest.class,
                "worker request " + callId);
    }

    public byte[] sealReply(String callId, Object result) {
        byte[] body = records.write(result);
        byte[] out = new byte[body.length + 1];
        out[0] = OK;
        System.arraycopy(body, 0, out, 1, body.length);
        return cipher.seal(ClusterNames.EXECUTOR, callId + "/reply", out);
    }

    /** A failure reply: the exception's simple class name and its message. */
    public byte[] sealFailure(String callId, Throwable t) {
        String kind = t.getClass().getSimpleName();
        String message = t instanceof RingmemException && t.getMessage() != null ? t.getMessage()
                : kind + (t.getMessage() == null ? "" : ": " + t.getMessage());
        byte[] k = kind.getBytes(StandardCharsets.UTF_8), m = message.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + 4 + k.length + m.length];
        out[0] = FAILED;
        out[1] = (byte) (k.length >>> 24);
        out[2] = (byte) (k.length >>> 16);
        out[3] = (byte) (k.length >>> 8);
        out[4] = (byte) k.length;
        System.arraycopy(k, 0, out, 5, k.length);
        System.arraycopy(m, 0, out, 5 + k.length, m.length);
        return cipher.seal(ClusterNames.EXECUTOR, callId + "/reply", out);
    }

    /**
     * The result of call {@code callId}.
     *
     * @throws WorkerFailure when the worker's request failed there
     */
    public Object openReply(String callId, byte[] sealed) {
        byte[] body = cipher.open(ClusterNames.EXECUTOR, callId + "/reply", sealed);
        if (body.length == 0) throw new RingmemException("empty reply to worker call " + callId);
        if (body[0] == FAILED) {
            int n = ((body[1] & 0xff) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
            if (n < 0 || 5L + n > body.length) throw new RingmemException("damaged failure reply to worker call " + callId);
            throw new WorkerFailure(new String(body, 5, n, StandardCharsets.UTF_8),
                    new String(body, 5 + n, body.length - 5 - n, StandardCharsets.UTF_8));
        }
        byte[] value = new byte[body.length - 1];
        System.arraycopy(body, 1, value, 0, value.length);
        return records.read(value, Object.class, "reply to worker call " + callId);
    }

    /** {@code layers, width, sums (layers x width doubles), counts}. */
    static final class QuerySumsSerializer extends Serializer<QuerySums> {
        QuerySumsSerializer() {
            setImmutable(false);
        }

        @Override
        public void write(Kryo kryo, Output out, QuerySums q) {
            double[][] sums = q.sums();
            out.writeVarInt(sums.length, true);
            out.writeVarInt(sums[0].length, true);
            for (double[] row : sums) out.writeDoubles(row, 0, row.length);
            out.writeLongs(q.counts(), 0, sums.length);
        }

        @Override
        public QuerySums read(Kryo kryo, Input in, Class<? extends QuerySums> type) {
            int layers = in.readVarInt(true), width = in.readVarInt(true);
            if (layers < 1 || width < 1 || (long) layers * width > in.limit()) throw new IllegalArgumentException("bad query sums shape");
            double[][] sums = new double[layers][];
            for (int l = 0; l < layers; l++) sums[l] = in.readDoubles(width);
            return QuerySums.of(sums, in.readLongs(layers));
        }
    }
}
