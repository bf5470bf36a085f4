package io.ringmem.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import io.ringmem.protocol.WorkerRequest;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * A {@link WorkerRequest} as a Hazelcast executor task: it runs on the target member and hands the request to the
 * {@link RequestHandler} that member's process registered in its user context. On the wire it is a call id and the
 * request sealed by the {@link TaskCodec} ({@link Serializer}, never Java serialization); its answer is the sealed
 * reply bytes, a worker failure included.
 */
public final class WorkerCall implements Callable<byte[]>, HazelcastInstanceAware {
    /** Hazelcast type id of {@link Serializer}. */
    public static final int TYPE_ID = 7_901;
    private static final int MAX_CALL_ID = 64;

    private final String callId;
    private final byte[] sealedRequest;
    private HazelcastInstance member;

    private WorkerCall(String callId, byte[] sealedRequest) {
        this.callId = callId;
        this.sealedRequest = sealedRequest;
    }

    /** A call of {@code request} sealed by {@code codec} under a fresh call id. */
    public static WorkerCall of(WorkerRequest<?> request, TaskCodec codec) {
        String id = UUID.randomUUID().toString();
        return new WorkerCall(id, codec.sealRequest(id, request));
    }

    public String callId() {
        return callId;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public byte[] call() throws InterruptedException {
        if (!(member.getUserContext().get(TaskCodec.CONTEXT_KEY) instanceof TaskCodec codec)) {
            throw new IllegalStateException("member " + member.getCluster().getLocalMember().getAddress() + " has no task codec");
        }
        Object worker = member.getUserContext().get(RequestHandler.CONTEXT_KEY);
        for (int i = 0; i < 100 && worker == null; i++) { // a worker registers itself right after its member starts
            Thread.sleep(100);
            worker = member.getUserContext().get(RequestHandler.CONTEXT_KEY);
        }
        try {
            WorkerRequest<?> request = codec.openRequest(callId, sealedRequest);
            if (!(worker instanceof RequestHandler w)) {
                throw new IllegalStateException("member " + member.getCluster().getLocalMember().getAddress() + " runs no worker");
            }
            return codec.sealReply(callId, w.handle(request));
        } catch (RuntimeException | Error e) {
            return codec.sealFailure(callId, e);
        }
    }

    /** The call on the wire: call id (UTF-8, at most 64 characters) and the sealed request bytes. */
    public static final class Serializer implements StreamSerializer<WorkerCall> {
        @Override
        public int getTypeId() {
            return TYPE_ID;
        }

        @Override
        public void write(ObjectDataOutput out, WorkerCall call) throws IOException {
            out.writeString(call.callId);
            out.writeByteArray(call.sealedRequest);
        }

        @Override
        public WorkerCall read(ObjectDataInput in) throws IOException {
            String id = in.readString();
            if (id == null || id.isEmpty() || id.length() > MAX_CALL_ID) throw new IOException("worker call with a bad call id");
            byte[] sealed = in.readByteArray();
            if (sealed == null) throw new IOException("worker call without a request");
            return new WorkerCall(id, sealed);
        }
    }
}
