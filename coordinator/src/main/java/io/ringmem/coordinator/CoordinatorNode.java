package io.ringmem.coordinator;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmem.api.ClusterInfo;
import io.ringmem.cluster.HazelcastDocumentStates;
import io.ringmem.cluster.ServiceHttp;
import io.ringmem.coordinator.auth.AccessFilter;
import io.ringmem.coordinator.auth.AuditLog;
import io.ringmem.coordinator.auth.RateLimiter;
import io.ringmem.model.ModelConfig;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.store.StoreCapacity;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;
import io.ringmem.tokenizer.Tokenizer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A running coordinator process: a Hazelcast member (role coordinator; jobs live in the cluster's maps), the job
 * runner, and the REST API with health and metrics. It needs the model's tokenizer and configuration, not its
 * weights' compute: workers run the model. Ready once it has joined the cluster.
 */
public final class CoordinatorNode implements AutoCloseable {
    private final HazelcastInstance member;
    private final JobRunner runner;
    private final ServiceHttp http;
    private final CoordinatorService service;
    private final AuditLog audit;

    private CoordinatorNode(HazelcastInstance member, JobRunner runner, ServiceHttp http, CoordinatorService service, AuditLog audit) {
        this.member = member;
        this.runner = runner;
        this.http = http;
        this.service = service;
        this.audit = audit;
    }

    public static CoordinatorNode start(CoordinatorSettings s, ModelConfig config, Tokenizer tokenizer, Consumer<String> log) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(s.cluster().memberConfig("ringmem-coordinator",
                Map.of(ClusterNames.ATTR_ROLE, ClusterNames.ROLE_COORDINATOR), new ConcurrentHashMap<>()));
        AuditLog audit = null;
        try {
            JobStore store = new HazelcastJobStore(member);
            HazelcastWorkerGateway gateway = new HazelcastWorkerGateway(member, s.modelName());
            CoordinatorMetrics meters = new CoordinatorMetrics(metrics);
            JobRunner runner = new JobRunner(store, gateway, s.runner(), tokenizer, meters, log, job -> { });
            HazelcastDocumentStates states = new HazelcastDocumentStates(member);
            JobValidator validator = new JobValidator(s.modelName(), config.vocabSize(), tokenizer, s.limits(),
                    doc -> states.hasState(doc), config.maxPositions());
            StoreConfig storeConfig = s.cluster().storeConfig();
            if (storeConfig.capacity().kind() == StoreCapacity.Kind.HEAP_MB_PER_MEMBER) { // a job over it would evict its own blocks
                long perMember = (long) storeConfig.capacity().limit() << 20;
                validator = validator.withMemoryBudget(new JobValidator.MemoryBudget(config, false,
                        () -> perMember * member.getCluster().getMembers().size() / (1 + storeConfig.backupCount()),
                        "add workers, raise capacity.max-heap-mb-per-member, or use a smaller kvCodec"));
            }
            HazelcastMemoryStore blocks = new HazelcastMemoryStore(s.cluster().storeConfig(), member);
            CoordinatorService service = new CoordinatorService(store, validator, runner, meters, gateway,
                    doc -> states.deleteDocument(doc) + blocks.deleteDocument(doc));
            RestApi api = new RestApi(service, log, s.maxRequestBytes());
            metrics.gauge("ringmem.workers", gateway, g -> g.workers().size());
            audit = s.access().auditFile().map(f -> AuditLog.toFile(f, log)).orElseGet(() -> AuditLog.to(System.out, log));
            AccessFilter access = new AccessFilter(s.access().keys(), new RateLimiter(), audit);
            ServiceHttp http = ServiceHttp.start(s.httpHost(), s.httpPort(), s.maxRequestBytes(), s.access().tls(),
                    () -> member.getLifecycleService().isRunning(), metrics, app -> {
                        access.install(app);
                        api.install(app);
                        app.get("/v1/cluster", ctx -> ctx.json(new ClusterInfo(member.getCluster().getMembers().size(),
                                gateway.workers().size(), member.getPartitionService().isClusterSafe())));
                    });
            return new CoordinatorNode(member, runner, http, service, audit);
        } catch (RuntimeException | Error e) {
            if (audit != null) audit.close();
            member.shutdown();
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    public CoordinatorService service() {
        return service;
    }

    public void awaitShutdown() throws InterruptedException {
        while (member.getLifecycleService().isRunning()) Thread.sleep(500);
    }

    @Override
    public void close() {
        runner.close();
        http.close();
        audit.close();
        if (member.getLifecycleService().isRunning()) member.shutdown();
    }
}
