package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import io.ringmem.worker.WorkerNode;
import io.ringmem.worker.WorkerSettings;
import io.ringmem.worker.ring.RingTls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ringmem worker}: a worker process (docs/cluster.md). Runs until killed or the member shuts down. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: load the model, join the cluster, run ring shards for the coordinator.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    ServeModelOptions model;

    @Mixin
    ClusterMixin cluster;

    @Option(names = "--ring-port", defaultValue = "0", paramLabel = "PORT", description = "ring data plane port (default: any free port)")
    int ringPort;

    @Option(names = "--http-port", defaultValue = "8081", paramLabel = "PORT",
            description = "health and metrics port, -1 for none (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--advertise-host", paramLabel = "HOST",
            description = "host other workers reach the ring server at (default: --bind; with 0.0.0.0 this host's address)")
    String advertiseHost;

    @Option(names = "--name", paramLabel = "NAME", description = "worker name (default: worker-<hz-port>)")
    String name;

    @Option(names = "--ring-tls-cert", paramLabel = "FILE",
            description = "mutual TLS on the ring: this worker's PEM certificate (with --ring-tls-key and --ring-tls-ca)")
    Path ringTlsCert;

    @Option(names = "--ring-tls-key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --ring-tls-cert")
    Path ringTlsKey;

    @Option(names = "--ring-tls-ca", paramLabel = "FILE", description = "PEM CA certificate(s) that issue every worker's ring certificate")
    Path ringTlsCa;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        var clusterOptions = cluster.options();
        cluster.warning().ifPresent(err::println);
        String host = advertiseHost != null ? advertiseHost : "0.0.0.0".equals(cluster.bindHost()) ? localHost() : cluster.bindHost();
        Optional<RingTls> ringTls = ringTls();
        WorkerSettings settings;
        try {
            settings = new WorkerSettings(name != null ? name : "worker-" + cluster.hzPort, model.modelName(), clusterOptions,
                    cluster.bindHost(), ringPort, host, cluster.httpHost(), httpPort, model.blockTokens, ringTls);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
        try (LoadedModel loaded = model.load(err); Backend backend = model.createBackend(
                Runtime.getRuntime().availableProcessors(), err)) {
            LlamaModel llama = model.llama(loaded, backend);
            WorkerNode node = WorkerNode.start(settings, llama);
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "ringmem-worker-shutdown"));
            err.printf("ringmem: worker %s ready: ring %s, hazelcast %s, http %s%n", settings.name(), node.ringAddress(),
                    node.memberAddress(), node.httpPort() < 0 ? "off" : Integer.toString(node.httpPort()));
            err.flush();
            node.awaitShutdown();
        }
        return 0;
    }

    /** Mutual TLS on the ring when all three files are given; one clear line when only some are. */
    Optional<RingTls> ringTls() {
        int given = (ringTlsCert != null ? 1 : 0) + (ringTlsKey != null ? 1 : 0) + (ringTlsCa != null ? 1 : 0);
        if (given == 0) return Optional.empty();
        if (given < 3) throw new RingmemException("ring TLS needs all of --ring-tls-cert, --ring-tls-key and --ring-tls-ca");
        return Optional.of(RingTls.fromPem(ringTlsCert, ringTlsKey, ringTlsCa));
    }

    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
