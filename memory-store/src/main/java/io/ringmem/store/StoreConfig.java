package io.ringmem.store;

import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.KubernetesDiscovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validated configuration of a {@link HazelcastMemoryStore}. Multicast discovery is always off.
 *
 * @param mode           embedded member or client
 * @param clusterName    Hazelcast cluster name; members and clients must agree
 * @param mapName        name of the IMap holding the blocks
 * @param members        {@code host:port} addresses: TCP-IP join list (embedded) or addresses to connect to
 *                       (client); exclusive with {@code kubernetes}
 * @param bindAddress    interface an embedded member binds to; empty binds loopback ({@code 127.0.0.1}), the
 *                       default; {@code 0.0.0.0} binds every interface (needs a secret like any non-loopback bind)
 * @param port           port of an embedded member (no auto-increment)
 * @param backupCount    synchronous backups per entry, 0..6 (default 1)
 * @param ttl            time to live of each entry, rounded up to whole seconds; empty keeps entries forever
 * @param capacity       per-member capacity with LRU eviction
 * @param kubernetes     Kubernetes discovery instead of a member list
 * @param partitionCount Hazelcast partition count; every member of the cluster must use the same value
 * @param loggingType    Hazelcast logging type: {@code jdk}, {@code slf4j}, {@code log4j2}, {@code none}
 * @param secret         the cluster secret: derives the Hazelcast cluster name ({@link #hazelcastClusterName}) and
 *                       the key every value is sealed with; empty (development) only where every address is loopback
 *                       (an embedded member's bind, a client's members) and without Kubernetes discovery
 */
public record StoreConfig(StoreMode mode, String clusterName, String mapName, List<String> members,
                          Optional<String> bindAddress, int port, int backupCount, Optional<Duration> ttl,
                          StoreCapacity capacity, Optional<KubernetesDiscovery> kubernetes, int partitionCount,
                          String loggingType, Optional<ClusterSecret> secret) {

    /** Hazelcast's default partition count. */
    public static final int DEFAULT_PARTITION_COUNT = 271;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}");
    private static final List<String> LOGGING = List.of("jdk", "slf4j", "log4j", "log4j2", "none");

    public StoreConfig {
        Objects.requireNonNull(mode, "mode");
        requireName("clusterName", clusterName);
        requireName("mapName", mapName);
        members = List.copyOf(Objects.requireNonNull(members, "members"));
        for (String m : members) {
            if (!HOST_PORT.matcher(m).matches()) {
                throw new IllegalArgumentException("members: not host:port: '" + m + "'");
            }
            requirePort("members (" + m + ")", Integer.parseInt(m.substring(m.lastIndexOf(':') + 1)));
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        bindAddress.ifPresent(a -> {
            if (a.isBlank()) throw new IllegalArgumentException("bindAddress must not be blank");
        });
        requirePort("port", port);
        if (backupCount < 0 || backupCount > 6) {
            throw new IllegalArgumentException("backupCount must be in 0..6, got " + backupCount);
        }
        Objects.requireNonNull(ttl, "ttl");
        ttl.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("ttl must be positive, got " + t);
        });
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(kubernetes, "kubernetes");
        if (kubernetes.isPresent() && !members.isEmpty()) {
            throw new IllegalArgumentException("members and kubernetes discovery are exclusive; set one");
        }
        if (mode == StoreMode.CLIENT && members.isEmpty() && kubernetes.isEmpty()) {
            throw new IllegalArgumentException("client mode needs members or kubernetes discovery");
        }
        if (partitionCount < 1 || partitionCount > 10_000) {
            throw new IllegalArgumentException("partitionCount must be in 1..10000, got " + partitionCount);
        }
        if (!LOGGING.contains(loggingType)) {
            throw new IllegalArgumentException("loggingType must be one of " + LOGGING + ", got '" + loggingType + "'");
        }
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            String exposed = kubernetes.isPresent() ? "Kubernetes discovery"
                    : mode == StoreMode.EMBEDDED && !isLoopback(bindAddress.orElse(LOOPBACK)) ? "bind address " + bindAddress.get()
                    : mode == StoreMode.CLIENT ? members.stream().filter(m -> !isLoopback(m.substring(0, m.lastIndexOf(':'))))
                            .findFirst().map(m -> "member " + m).orElse(null)
                    : null;
            if (exposed != null) {
                throw new IllegalArgumentException("secret: " + exposed + " is reachable from other hosts: a cluster secret "
                        + "is required (--cluster-secret FILE); without one only loopback is allowed");
            }
        }
    }

    /** Interface an embedded member binds to when none is given. */
    public static final String LOOPBACK = "127.0.0.1";

    /** True for a loopback literal or name ({@code 127.x}, {@code ::1}, {@code localhost}); false if unresolvable. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The cluster name members and clients join with: derived from the secret when there is one. */
    public String hazelcastClusterName() {
        return secret.map(s -> s.clusterName(clusterName)).orElse(clusterName);
    }

    /** The interface an embedded member binds to ({@link #LOOPBACK} unless set). */
    public String effectiveBindAddress() {
        return bindAddress.orElse(LOOPBACK);
    }

    /**
     * Defaults: single embedded member on port 5701 bound to loopback, backup count 1, no TTL, unbounded, logging
     * jdk, no secret.
     */
    public static Builder builder(String clusterName) {
        return new Builder(clusterName);
    }

    /**
     * Reads a {@code .properties} file; keys are listed in {@link StoreConfigFile}.
     *
     * @throws IllegalArgumentException naming the file and the offending key when a key is unknown or a
     *                                  value is invalid
     */
    public static StoreConfig load(Path file) throws IOException {
        return StoreConfigFile.load(file);
    }

    /** Parses {@code PT30M} or {@code <n><unit>} with unit ms, s, m, h, d (the config file's and CLI's durations). */
    public static Duration parseDuration(String v) {
        return StoreConfigFile.duration(v);
    }

    /** TTL in whole seconds (rounded up), 0 for none; Hazelcast's map TTL unit. */
    public int ttlSeconds() {
        return ttl.map(t -> (int) Math.min(Integer.MAX_VALUE, (t.toMillis() + 999) / 1000)).orElse(0);
    }

    private static void requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ", got '" + value + "'");
        }
    }

    private static void requirePort(String what, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(what + ": port must be in 1..65535, got " + port);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private StoreMode mode = StoreMode.EMBEDDED;
        private String clusterName;
        private String mapName = "ringmem-kv";
        private List<String> members = List.of();
        private Optional<String> bindAddress = Optional.empty();
        private int port = 5701;
        private int backupCount = 1;
        private Optional<Duration> ttl = Optional.empty();
        private StoreCapacity capacity = StoreCapacity.unbounded();
        private Optional<KubernetesDiscovery> kubernetes = Optional.empty();
        private int partitionCount = DEFAULT_PARTITION_COUNT;
        private String loggingType = "jdk";
        private Optional<ClusterSecret> secret = Optional.empty();

        private Builder(String clusterName) {
            this.clusterName = clusterName;
        }

        public Builder mode(StoreMode v) { mode = v; return this; }
        public Builder clusterName(String v) { clusterName = v; return this; }
        public Builder mapName(String v) { mapName = v; return this; }
        public Builder members(List<String> v) { members = v; return this; }
        public Builder bindAddress(String v) { bindAddress = Optional.ofNullable(v); return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder backupCount(int v) { backupCount = v; return this; }
        public Builder ttl(Duration v) { ttl = Optional.ofNullable(v); return this; }
        public Builder capacity(StoreCapacity v) { capacity = v; return this; }
        public Builder kubernetes(KubernetesDiscovery v) { kubernetes = Optional.ofNullable(v); return this; }
        public Builder partitionCount(int v) { partitionCount = v; return this; }
        public Builder loggingType(String v) { loggingType = v; return this; }
        public Builder secret(ClusterSecret v) { secret = Optional.ofNullable(v); return this; }

        public StoreConfig build() {
            return new StoreConfig(mode, clusterName, mapName, members, bindAddress, port, backupCount, ttl,
                    capacity, kubernetes, partitionCount, loggingType, secret);
        }
    }
}
