package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.cluster.ClusterOptions;
import io.ringmem.cluster.Retention;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.KubernetesDiscovery;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How a coordinator or worker process joins the Hazelcast cluster (docs/cluster.md). */
final class ClusterMixin {
    @Option(names = "--members", split = ",", paramLabel = "HOST:PORT",
            description = "Hazelcast members to join (default: 127.0.0.1:5701)")
    List<String> members = List.of("127.0.0.1:5701");

    @Option(names = "--hz-port", defaultValue = "5701", paramLabel = "PORT",
            description = "this process's Hazelcast port (default: ${DEFAULT-VALUE})")
    int hzPort;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "interface Hazelcast, the ring and HTTP bind to (default: 127.0.0.1; 0.0.0.0 for all); "
                    + "anything but loopback needs --cluster-secret")
    String bind;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
            description = "interface of the HTTP endpoint (REST API, health, metrics) (default: --bind)")
    String httpBind;

    @Option(names = "--cluster-secret", paramLabel = "FILE",
            description = "file with the cluster secret (one line, at least 16 bytes; more lines: earlier secrets, read "
                    + "only): derives the Hazelcast cluster name and the AES-GCM key of every stored value and task")
    Path clusterSecret;

    @Option(names = "--retention", defaultValue = "7d", paramLabel = "DURATION",
            description = "how long job records, outcomes, results and submitted tokens are kept after their last "
                    + "write, e.g. 7d, 12h, 0 = forever (default: ${DEFAULT-VALUE})")
    String retention;

    @Option(names = "--document-retention", defaultValue = "7d", paramLabel = "DURATION",
            description = "how long documents' carried states, summaries and KV blocks are kept after their last write "
                    + "(default: ${DEFAULT-VALUE})")
    String documentRetention;

    @Option(names = "--cluster-name", defaultValue = "ringmem", paramLabel = "NAME",
            description = "Hazelcast cluster name (default: ${DEFAULT-VALUE})")
    String clusterName;

    @Option(names = "--kubernetes-service", paramLabel = "NAME",
            description = "join by Kubernetes discovery through this (headless) service instead of --members")
    String kubernetesService;

    @Option(names = "--kubernetes-namespace", paramLabel = "NS", description = "namespace of --kubernetes-service (default: the pod's own)")
    String kubernetesNamespace;

    @Option(names = "--failure-seconds", defaultValue = "10", paramLabel = "S",
            description = "seconds without heartbeat before a member is declared dead (default: ${DEFAULT-VALUE})")
    int failureSeconds;

    ClusterOptions options() {
        try {
            Optional<KubernetesDiscovery> k8s = kubernetesService == null ? Optional.empty()
                    : Optional.of(new KubernetesDiscovery(kubernetesNamespace == null ? podNamespace() : kubernetesNamespace,
                            kubernetesService));
            Retention r = new Retention(Retention.parse("--retention", retention),
                    Retention.parse("--document-retention", documentRetention), Retention.DEFAULT_SHARDS);
            ClusterSecret secret = clusterSecret == null ? null : ClusterSecret.read(clusterSecret);
            ClusterOptions c = new ClusterOptions(clusterName, members, hzPort, Optional.ofNullable(bind), k8s, "jdk", failureSeconds,
                    Optional.ofNullable(secret), r);
            c.storeConfig(); // validates addresses, ports and names; refuses a non-loopback bind without a secret
            return c;
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new RingmemException(m.startsWith("secret: ") ? "--bind/--kubernetes-service: " + m.substring(8) : m);
        }
    }

    /** The host this process binds to: --bind, else loopback. */
    String bindHost() {
        return bind == null ? StoreConfig.LOOPBACK : bind;
    }

    /** The host the HTTP endpoint binds to: --http-bind, else {@link #bindHost()}. */
    String httpHost() {
        return httpBind == null ? bindHost() : httpBind;
    }

    /** A warning line for a process without a cluster secret (development on loopback), else empty. */
    Optional<String> warning() {
        return clusterSecret != null ? Optional.empty() : Optional.of("WARNING: no --cluster-secret: the cluster's maps and tasks are "
                + "unencrypted and any local process can join (development on loopback only)");
    }

    /** The namespace of the pod this runs in (the service account's namespace file), else "default". */
    private static String podNamespace() {
        Path file = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
        try {
            return Files.isReadable(file) ? Files.readString(file).trim() : "default";
        } catch (IOException e) {
            return "default";
        }
    }
}
