package io.ringmem.store.hazelcast;

import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Helpers shared by the cluster tests: free loopback ports, quiet configs, sample records, bounded polls. */
public final class TestClusters {

    static final int PARTITIONS = 23;

    private TestClusters() {
    }

    /** {@code n} distinct ports free on 127.0.0.1 right now (taken from the ephemeral range). */
    static int[] freePorts(int n) {
        List<ServerSocket> open = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    static List<String> addresses(int[] ports) {
        return Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList();
    }

    /** An embedded member on 127.0.0.1:{@code port}, joining {@code members}, logging off. */
    static StoreConfig.Builder member(String cluster, int port, List<String> members) {
        return StoreConfig.builder(cluster).port(port).bindAddress("127.0.0.1").members(members)
                .partitionCount(PARTITIONS).loggingType("none");
    }

    static String uniqueCluster(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A block with {@code payloadBytes} random bytes and a 4-float summary. */
    public static KvBlockRecord record(int seed, int payloadBytes) {
        Random r = new Random(seed);
        byte[] payload = new byte[payloadBytes];
        r.nextBytes(payload);
        int tokens = 8;
        int[] positions = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            positions[i] = seed * tokens + i;
        }
        float[] summary = {r.nextFloat(), r.nextFloat(), r.nextFloat(), r.nextFloat()};
        return new KvBlockRecord(tokens, positions, "kivi-int8", payload, summary, 1_700_000_000_000L + seed);
    }

    /** Polls {@code condition} every 50 ms until true or {@code timeoutMillis} passed; returns the last answer. */
    static boolean await(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
