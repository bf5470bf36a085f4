package io.ringmem.store.hazelcast;

/**
 * Hazelcast's built-in Kubernetes join (DNS-less API lookup of the pods behind a service).
 *
 * @param namespace   Kubernetes namespace, non-blank
 * @param serviceName service whose endpoints are the members, non-blank
 */
public record KubernetesDiscovery(String namespace, String serviceName) {

    public KubernetesDiscovery {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("kubernetes namespace must be non-blank");
        }
        if (serviceName == null || serviceName.isBlank()) {
            throw new IllegalArgumentException("kubernetes service name must be non-blank");
        }
    }
}
