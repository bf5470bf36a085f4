package io.ringmem.worker;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmem.cluster.HazelcastDocumentStates;
import io.ringmem.cluster.RequestHandler;
import io.ringmem.cluster.ServiceHttp;
import io.ringmem.forward.LlamaModel;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.store.StoreKvBlockStore;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A running worker process: its ring server, its Hazelcast member (role, ring address, name and model published as
 * member attributes; the {@link Worker} in the member's user context for {@link WorkerCall}s), and its health and
 * metrics endpoint. The model is loaded by the caller before the node starts, so a worker that is a member is
 * ready to take work.
 */
public final class WorkerNode implements AutoCloseable {
    private final HazelcastInstance member;
    private final RingTransport transport;
    private final ServiceHttp http; // null when disabled
    private final Worker worker;

    private WorkerNode(HazelcastInstance member, RingTransport transport, ServiceHttp http, Worker worker) {
        this.member = member;
        this.transport = transport;
        this.http = http;
        this.worker = worker;
    }

    /** Starts the ring server, joins the cluster and serves health and metrics. Blocks until joined. */
    public static WorkerNode start(WorkerSettings s, LlamaModel model) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RingTransport transport = TcpRingTransport.start(s.ringHost(), s.ringPort(), s.advertiseHost(), s.ringTls());
        HazelcastInstance member = null;
        ServiceHttp http = null;
        try {
            ConcurrentMap<String, Object> context = new ConcurrentHashMap<>();
            member = Hazelcast.newHazelcastInstance(s.cluster().memberConfig("ringmem-worker-" + s.name(), Map.of(
                    ClusterNames.ATTR_ROLE, ClusterNames.ROLE_WORKER,
                    ClusterNames.ATTR_RING, transport.address(),
                    ClusterNames.ATTR_NAME, s.name(),
                    ClusterNames.ATTR_MODEL, s.modelName()), context));
            HazelcastMemoryStore store = new HazelcastMemoryStore(s.cluster().storeConfig(), member);
            Worker worker = new Worker(s.name(), model, s.blockTokens(), doc -> new StoreKvBlockStore(store, doc),
                    new HazelcastDocumentStates(member), transport, RingKeys.of(s.cluster().secret()), metrics);
            member.getUserContext().put(RequestHandler.CONTEXT_KEY, worker); // the member copied the config's map at start
            HazelcastInstance joined = member;
            if (s.httpPort() >= 0) {
                http = ServiceHttp.start(s.httpHost(), s.httpPort(), () -> joined.getLifecycleService().isRunning(), metrics, app -> { });
            }
            return new WorkerNode(member, transport, http, worker);
        } catch (RuntimeException | Error e) {
            if (member != null) member.shutdown();
            transport.close();
            throw e;
        }
    }

    public Worker worker() {
        return worker;
    }

    public String ringAddress() {
        return transport.address();
    }

    /** Port of the health/metrics endpoint, or -1 when disabled. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Hazelcast address of this member (host:port). */
    public String memberAddress() {
        var a = member.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }

    /** Blocks until the member shuts down (the process's main thread waits here). */
    public void awaitShutdown() throws InterruptedException {
        while (member.getLifecycleService().isRunning()) Thread.sleep(500);
    }

    @Override
    public void close() {
        if (http != null) http.close();
        if (member.getLifecycleService().isRunning()) member.shutdown();
        transport.close();
    }
}
