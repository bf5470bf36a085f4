package io.ringmem.embedded;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringmem.cluster.ClusterOptions;
import io.ringmem.cluster.HazelcastDocumentStates;
import io.ringmem.coordinator.CoordinatorMetrics;
import io.ringmem.coordinator.CoordinatorService;
import io.ringmem.coordinator.HazelcastJobStore;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.JobRecord;
import io.ringmem.coordinator.JobRunner;
import io.ringmem.coordinator.JobValidator;
import io.ringmem.coordinator.RunnerSettings;
import io.ringmem.forward.LlamaModel;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.store.StoreKvBlockStore;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;
import io.ringmem.tokenizer.Tokenizer;
import io.ringmem.worker.RingKeys;
import io.ringmem.worker.RingTransport;
import io.ringmem.worker.TcpRingTransport;
import io.ringmem.worker.Worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The whole system in one JVM (the {@code analyze} command): one Hazelcast member on 127.0.0.1 (its cluster secret
 * drawn at random per run, so every stored value is sealed and no other process can join or read it) holding jobs,
 * states and KV blocks, P workers in process (each with its own TCP ring server on loopback, so ranks still talk
 * over the same data plane as separate workers), and a coordinator service driving them.
 *
 * <p>Everything lives on this JVM's heap: the store's KV blocks (Hazelcast on-heap maps), the workers' summary caches,
 * the job's tokens and results. A score or embed job whose estimated heap ({@link io.ringmem.segment.MemoryNeed}) is
 * over the maximum heap is refused at submit (413) with one line naming the need.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private final HazelcastInstance member;
    private final List<RingTransport> transports;
    private final LocalWorkerGateway gateway;
    private final JobRunner runner;
    private final CoordinatorService service;

    private EmbeddedCluster(HazelcastInstance member, List<RingTransport> transports, LocalWorkerGateway gateway,
                            JobRunner runner, CoordinatorService service) {
        this.member = member;
        this.transports = transports;
        this.gateway = gateway;
        this.runner = runner;
        this.service = service;
    }

    /**
     * @param progress gets every job record update (segment finished, job finished), from the runner's threads
     */
    public static EmbeddedCluster start(String modelName, LlamaModel model, Tokenizer tokenizer, int workers,
                                        int blockTokens, JobLimits limits, RunnerSettings runnerSettings,
                                        Consumer<String> log, Consumer<JobRecord> progress) {
        int port = freePort();
        byte[] secret = new byte[32]; // a fresh secret per run: other local processes can neither join nor read it
        new SecureRandom().nextBytes(secret);
        ClusterOptions cluster = new ClusterOptions("ringmem-embedded-" + port, List.of("127.0.0.1:" + port), port,
                Optional.of("127.0.0.1"), Optional.empty(), "none", 10).withSecret(ClusterSecret.of(secret));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(cluster.memberConfig("ringmem-embedded-" + port,
                Map.of(ClusterNames.ATTR_ROLE, ClusterNames.ROLE_COORDINATOR), new ConcurrentHashMap<>()));
        List<RingTransport> transports = new ArrayList<>();
        try {
            HazelcastMemoryStore store = new HazelcastMemoryStore(cluster.storeConfig(), member);
            HazelcastDocumentStates states = new HazelcastDocumentStates(member);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            List<Worker> local = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                RingTransport t = TcpRingTransport.start("127.0.0.1", 0, "127.0.0.1");
                transports.add(t);
                local.add(new Worker(String.format("worker-%d", w + 1), model, blockTokens, doc -> new StoreKvBlockStore(store, doc),
                        states, t, RingKeys.of(cluster.secret()), meters));
            }
            LocalWorkerGateway gateway = new LocalWorkerGateway(local);
            CoordinatorMetrics metrics = new CoordinatorMetrics(meters);
            JobRunner runner = new JobRunner(new HazelcastJobStore(member), gateway, runnerSettings, tokenizer, metrics, log, progress);
            JobValidator validator = new JobValidator(modelName, model.config().vocabSize(), tokenizer, limits, states::hasState,
                    model.config().maxPositions()).withMemoryBudget(new JobValidator.MemoryBudget(model.config(), true,
                    () -> Runtime.getRuntime().maxMemory(), "or use a smaller --kv-codec, or run a cluster (docs/cluster.md)"));
            return new EmbeddedCluster(member, transports, gateway, runner,
                    new CoordinatorService(new HazelcastJobStore(member), validator, runner, metrics, gateway,
                            doc -> states.deleteDocument(doc) + store.deleteDocument(doc)));
        } catch (RuntimeException | Error e) {
            transports.forEach(RingTransport::close);
            member.shutdown();
            throw e;
        }
    }

    public CoordinatorService service() {
        return service;
    }

    /** The cluster's one Hazelcast member (tests inspect its maps). */
    HazelcastInstance member() {
        return member;
    }

    /**
     * Stops worker {@code index} (0-based) as if its process died: its ring server closes (its ring neighbours fail,
     * and a probe finds its ring port closed) and it leaves the gateway. Running jobs go on with the other workers.
     */
    public void stopWorker(int index) {
        transports.get(index).close();
        gateway.remove(String.format("worker-%d", index + 1));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new io.ringmem.RingmemException("no free local port for the embedded cluster: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        runner.close();
        gateway.close();
        transports.forEach(RingTransport::close);
        member.shutdown();
    }
}
