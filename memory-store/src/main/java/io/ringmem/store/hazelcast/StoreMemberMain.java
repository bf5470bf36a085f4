package io.ringmem.store.hazelcast;

import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.crypto.ClusterSecret;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one Hazelcast member of the memory store in this JVM.
 *
 * <pre>
 * java -cp ... io.ringmem.store.hazelcast.StoreMemberMain --config store.properties
 * java -cp ... io.ringmem.store.hazelcast.StoreMemberMain --cluster ringmem --port 5701 [--bind 127.0.0.1] \
 *      --members 127.0.0.1:5701,127.0.0.1:5702 [--cluster-secret FILE] [--ttl 7d] [--partition-count 271]
 *      [--backup-count 1] [--logging none] [--exit-on-stdin-eof]
 * </pre>
 * {@code --bind} defaults to loopback; any other address needs {@code --cluster-secret} (the cluster name and the
 * values' encryption derive from it). Without a secret it warns on stderr that the store is unencrypted.
 * Prints {@code READY <port>} on stdout once the member has started. With {@code --exit-on-stdin-eof} it
 * exits when its standard input closes, so a parent that dies does not leave it running.
 */
public final class StoreMemberMain {

    private StoreMemberMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> a = Arrays.asList(args);
        String secretFile = value(a, "--cluster-secret", null);
        String ttl = value(a, "--ttl", null);
        StoreConfig config = a.contains("--config") ? StoreConfig.load(Path.of(value(a, "--config", null)))
                : StoreConfig.builder(value(a, "--cluster", "ringmem"))
                .port(Integer.parseInt(value(a, "--port", "5701")))
                .bindAddress(value(a, "--bind", null))
                .members(List.of(value(a, "--members", "").split(",")).stream().filter(s -> !s.isBlank()).toList())
                .partitionCount(Integer.parseInt(value(a, "--partition-count", "271")))
                .backupCount(Integer.parseInt(value(a, "--backup-count", "1")))
                .loggingType(value(a, "--logging", "jdk"))
                .secret(secretFile == null ? null : ClusterSecret.read(Path.of(secretFile)))
                .ttl(ttl == null ? null : StoreConfig.parseDuration(ttl))
                .build();
        if (config.secret().isEmpty()) {
            System.err.println("WARNING: no --cluster-secret: the store is unencrypted and open to any local process "
                    + "(development on loopback only)");
        }
        if (config.mode() != StoreMode.EMBEDDED) {
            throw new IllegalArgumentException("StoreMemberMain runs a member: mode must be embedded");
        }
        HazelcastMemoryStore store = new HazelcastMemoryStore(config);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            store.close();
            stop.countDown();
        }));
        System.out.println("READY " + config.port());
        System.out.flush();
        if (a.contains("--exit-on-stdin-eof")) {
            while (System.in.read() >= 0) {
                // discard
            }
            store.close();
            System.exit(0);
        }
        stop.await();
    }

    private static String value(List<String> args, String flag, String fallback) {
        int i = args.indexOf(flag);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i + 1);
    }
}
