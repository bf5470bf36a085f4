package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.cluster.ClusterOptions;
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

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "interface to bind (default: all)")
    String bind;

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
            ClusterOptions c = new ClusterOptions(clusterName, members, hzPort, Optional.ofNullable(bind), k8s, "jdk", failureSeconds);
            c.storeConfig(); // validates addresses, ports and names
            return c;
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
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
