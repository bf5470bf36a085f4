package io.ringmem.store;

import io.ringmem.RingmemException;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.KubernetesDiscovery;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Parses a {@link StoreConfig} from a {@code .properties} file. Keys (all optional except
 * {@code cluster-name}):
 * <pre>
 * mode = embedded | client
 * cluster-name = ringmem
 * map-name = ringmem-kv
 * members = 10.0.0.1:5701,10.0.0.2:5701
 * bind-address = 127.0.0.1   (default; a non-loopback address needs secret-file)
 * secret-file = /etc/ringmem/cluster-secret   (the cluster secret: cluster name and value encryption derive from it)
 * port = 5701
 * backup-count = 1
 * ttl = 30m            (ISO-8601 like PT30M, or a number with unit ms, s, m, h, d)
 * capacity.max-entries-per-member = 100000     (exclusive with the next key)
 * capacity.max-heap-mb-per-member = 4096
 * kubernetes.enabled = true
 * kubernetes.namespace = ringmem
 * kubernetes.service-name = ringmem-store
 * partition-count = 271
 * logging = jdk | slf4j | log4j2 | none
 * </pre>
 * Unknown keys are errors, so a typo does not silently fall back to a default.
 */
final class StoreConfigFile {

    static final Set<String> KEYS = Set.of("mode", "cluster-name", "map-name", "members", "bind-address", "port",
            "backup-count", "ttl", "capacity.max-entries-per-member", "capacity.max-heap-mb-per-member",
            "kubernetes.enabled", "kubernetes.namespace", "kubernetes.service-name", "partition-count", "logging",
            "secret-file");

    private StoreConfigFile() {
    }

    static StoreConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return parse(p, file.toString());
    }

    static StoreConfig parse(Properties p, String source) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown key '" + unknown.iterator().next()
                    + "' (known: " + new TreeSet<>(KEYS) + ")");
        }
        String cluster = p.getProperty("cluster-name");
        if (cluster == null) {
            throw new IllegalArgumentException(source + ": missing key 'cluster-name'");
        }
        StoreConfig.Builder b = StoreConfig.builder(cluster.strip());
        Field f = new Field(p, source);
        f.ifSet("mode", v -> b.mode(switch (v.toLowerCase()) {
            case "embedded" -> StoreMode.EMBEDDED;
            case "client" -> StoreMode.CLIENT;
            default -> throw new IllegalArgumentException("expected embedded or client");
        }));
        f.ifSet("map-name", b::mapName);
        f.ifSet("members", v -> b.members(Arrays.stream(v.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList()));
        f.ifSet("bind-address", b::bindAddress);
        f.ifSet("secret-file", v -> {
            try {
                b.secret(ClusterSecret.read(Path.of(v.strip())));
            } catch (RingmemException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
        f.ifSet("port", v -> b.port(integer(v)));
        f.ifSet("backup-count", v -> b.backupCount(integer(v)));
        f.ifSet("ttl", v -> b.ttl(duration(v)));
        String entries = p.getProperty("capacity.max-entries-per-member");
        String heap = p.getProperty("capacity.max-heap-mb-per-member");
        if (entries != null && heap != null) {
            throw new IllegalArgumentException(source + ": key 'capacity.max-heap-mb-per-member': exclusive with "
                    + "'capacity.max-entries-per-member'");
        }
        f.ifSet("capacity.max-entries-per-member", v -> b.capacity(StoreCapacity.entriesPerMember(integer(v))));
        f.ifSet("capacity.max-heap-mb-per-member", v -> b.capacity(StoreCapacity.heapMegabytesPerMember(integer(v))));
        boolean k8s = Boolean.parseBoolean(p.getProperty("kubernetes.enabled", "false").strip());
        if (k8s) {
            f.ifSet("kubernetes.enabled", v -> b.kubernetes(new KubernetesDiscovery(
                    p.getProperty("kubernetes.namespace", ""), p.getProperty("kubernetes.service-name", ""))));
        }
        f.ifSet("partition-count", v -> b.partitionCount(integer(v)));
        f.ifSet("logging", b::loggingType);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + keyOf(e.getMessage()) + e.getMessage(), e);
        }
    }

    /** "key 'x': " for a record validation message that starts with a component name, else "". */
    private static String keyOf(String message) {
        String[][] names = {{"clusterName", "cluster-name"}, {"mapName", "map-name"}, {"members", "members"},
                {"bindAddress", "bind-address"}, {"port", "port"}, {"backupCount", "backup-count"}, {"ttl", "ttl"},
                {"capacity", "capacity.*"}, {"kubernetes", "kubernetes.*"}, {"partitionCount", "partition-count"},
                {"loggingType", "logging"}, {"client mode", "mode"}, {"secret", "secret-file"}};
        for (String[] n : names) {
            if (message != null && message.startsWith(n[0])) {
                return "key '" + n[1] + "': ";
            }
        }
        return "";
    }

    /** Parses {@code PT30M} or {@code <n><unit>} with unit ms, s, m, h, d. */
    static Duration duration(String v) {
        String s = v.strip().toLowerCase();
        try {
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(s.toUpperCase());
            }
            for (var u : List.of("ms", "s", "m", "h", "d")) {
                if (s.endsWith(u) && s.length() > u.length()) {
                    long n = Long.parseLong(s.substring(0, s.length() - u.length()).strip());
                    return switch (u) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through
        }
        throw new IllegalArgumentException("not a duration (e.g. 30s, 10m, PT1H): '" + v + "'");
    }

    private static int integer(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer: '" + v + "'");
        }
    }

    /** Applies one key's value, prefixing any error with the file and key name. */
    private record Field(Properties p, String source) {
        void ifSet(String key, Consumer<String> apply) {
            String v = p.getProperty(key);
            if (v == null) {
                return;
            }
            try {
                apply.accept(v.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": key '" + key + "': " + e.getMessage(), e);
            }
        }
    }
}
