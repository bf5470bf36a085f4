package io.ringmem.coordinator;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import io.ringmem.cluster.TaskCodec;
import io.ringmem.cluster.WorkerCall;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.protocol.WorkerRequest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Workers are the cluster members whose attributes say {@code ringmem.role=worker} and name this coordinator's
 * model; requests go to them as {@link WorkerCall}s on the {@link ClusterNames#EXECUTOR} executor, sealed by the
 * member's {@link TaskCodec} (a worker's failure comes back as a {@link io.ringmem.cluster.WorkerFailure}).
 */
public final class HazelcastWorkerGateway implements WorkerGateway {
    private final HazelcastInstance hz;
    private final String modelName;
    private final TaskCodec codec;

    public HazelcastWorkerGateway(HazelcastInstance hz, String modelName) {
        this.hz = hz;
        this.modelName = modelName;
        this.codec = TaskCodec.of(hz);
    }

    @Override
    public List<WorkerRef> workers() {
        List<WorkerRef> out = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            if (!ClusterNames.ROLE_WORKER.equals(m.getAttribute(ClusterNames.ATTR_ROLE))) continue;
            if (!modelName.equals(m.getAttribute(ClusterNames.ATTR_MODEL))) continue;
            out.add(new WorkerRef(m.getUuid().toString(), m.getAttribute(ClusterNames.ATTR_NAME), m.getAttribute(ClusterNames.ATTR_RING)));
        }
        out.sort(Comparator.comparing(WorkerRef::name).thenComparing(WorkerRef::id));
        return out;
    }

    /** Workers in the cluster that serve another model (ignored; reported so operators can see why). */
    public List<String> foreignWorkers() {
        List<String> out = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            if (ClusterNames.ROLE_WORKER.equals(m.getAttribute(ClusterNames.ATTR_ROLE))
                    && !modelName.equals(m.getAttribute(ClusterNames.ATTR_MODEL))) {
                out.add(m.getAttribute(ClusterNames.ATTR_NAME) + " (" + m.getAttribute(ClusterNames.ATTR_MODEL) + ")");
            }
        }
        return out;
    }

    @Override
    public <R extends Serializable> CompletableFuture<R> call(WorkerRef worker, WorkerRequest<R> request) {
        CompletableFuture<R> f = new CompletableFuture<>();
        Member target = null;
        for (Member m : hz.getCluster().getMembers()) if (m.getUuid().toString().equals(worker.id())) target = m;
        if (target == null) {
            f.completeExceptionally(new IllegalStateException("worker " + worker.name() + " left the cluster"));
            return f;
        }
        WorkerCall call;
        try {
            call = WorkerCall.of(request, codec);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
            return f;
        }
        hz.getExecutorService(ClusterNames.EXECUTOR).submitToMember(call, target, new ExecutionCallback<byte[]>() {
            @Override
            @SuppressWarnings("unchecked")
            public void onResponse(byte[] response) {
                try {
                    f.complete((R) codec.openReply(call.callId(), response));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
