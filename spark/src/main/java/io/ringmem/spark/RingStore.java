package io.ringmem.spark;

import com.hazelcast.map.IMap;
import io.ringmem.RingmemException;
import io.ringmem.segment.KvBlockStore;
import io.ringmem.segment.QuerySums;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreKvBlockStore;
import io.ringmem.store.StoreMode;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The Hazelcast side of the ring execution's segment mode, one per barrier task: rank 0 starts an embedded member on
 * its executor's host (a free port, bound to that address only, a cluster name drawn per stage), the other ranks
 * connect to it as clients. It holds each document's compressed KV blocks ({@link StoreKvBlockStore}, the memory-store
 * module's map), the carried state between segments and, for one segment at a time, each rank's exact KV shard and
 * query sums (map {@code ringmem-spark-exchange}, values as bytes). The stage's cluster secret (32 random bytes drawn by
 * rank 0, shared through {@code allGather}) derives the Hazelcast cluster name and the AES-256-GCM key that seals every
 * value, the exchange map's included. Everything lives as long as the stage: closing
 * rank 0's member drops it (its clients are closed by their own tasks).
 *
 * <p>Not guaranteed: durability (one member, no backups: losing rank 0's executor loses the data, and Spark retries
 * the whole barrier stage anyway); Hazelcast open source has no member authentication: a stranger who learns the
 * derived cluster name could join, but reads only sealed values and cannot forge one (see docs/spark.md).
 */
final class RingStore implements AutoCloseable {
    private static final String EXCHANGE = "ringmem-spark-exchange";
    /** Base cluster name; the name Hazelcast sees is derived from the stage's secret. */
    private static final String CLUSTER = "ringmem-spark";
    private static final int MAX_QUERY_BYTES = 64 << 20;

    private final HazelcastMemoryStore store;
    private final IMap<String, byte[]> exchange;
    private final String address;

    private RingStore(HazelcastMemoryStore store, String address) {
        this.store = store;
        this.exchange = store.instance().getMap(EXCHANGE);
        this.address = address;
    }

    /** A fresh cluster secret for one stage attempt, as hex (shared with the other ranks through {@code allGather}). */
    static String newStageSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Rank 0: starts the stage's member on {@code host}, any free port, under the stage's secret. */
    static RingStore member(String host, String secretHex) {
        int port = freePort(host);
        StoreConfig c = StoreConfig.builder(CLUSTER).mode(StoreMode.EMBEDDED).bindAddress(host).port(port)
                .members(List.of(host + ":" + port)).backupCount(0).loggingType("none").secret(secret(secretHex)).build();
        return new RingStore(new HazelcastMemoryStore(c), host + ":" + port);
    }

    /** Ranks 1..P-1: a client of rank 0's member at {@code address} ({@code host:port}), under the stage's secret. */
    static RingStore client(String address, String secretHex) {
        StoreConfig c = StoreConfig.builder(CLUSTER).mode(StoreMode.CLIENT).members(List.of(address))
                .backupCount(0).loggingType("none").secret(secret(secretHex)).build();
        return new RingStore(new HazelcastMemoryStore(c), address);
    }

    private static ClusterSecret secret(String hex) {
        return ClusterSecret.of(HexFormat.of().parseHex(hex));
    }

    /** The member's {@code host:port}. */
    String address() {
        return address;
    }

    /** The document's compressed KV blocks in the cluster (its key: unique within the stage). */
    KvBlockStore blocks(String document) {
        return new StoreKvBlockStore(store, document);
    }

    void putShard(String document, int segment, int rank, byte[] shard, QuerySums queries) {
        put(key(document, "shard", segment, rank), shard);
        if (queries != null) put(key(document, "queries", segment, rank), serialize(queries));
    }

    byte[] shard(String document, int segment, int rank) {
        return require(get(key(document, "shard", segment, rank)), "KV shard of rank " + rank, document, segment);
    }

    /** Rank's query sums of the segment, or empty when it recorded none. */
    Optional<QuerySums> queries(String document, int segment, int rank) {
        byte[] b = get(key(document, "queries", segment, rank));
        return b == null ? Optional.empty() : Optional.of(deserialize(b));
    }

    void deleteShards(String document, int segment, int ranks) {
        for (int r = 0; r < ranks; r++) {
            exchange.delete(key(document, "shard", segment, r));
            exchange.delete(key(document, "queries", segment, r));
        }
    }

    void putState(String document, byte[] state) {
        put(document + "/state", state);
    }

    byte[] state(String document, int segment) {
        return require(get(document + "/state"), "carried state", document, segment);
    }

    /** Drops the document's blocks and carried state. */
    void deleteDocument(String document) {
        store.deleteDocument(document);
        exchange.delete(document + "/state");
    }

    @Override
    public void close() {
        store.close();
    }

    /** Every exchange value is sealed (AES-256-GCM under the stage's secret, bound to its key) before it is stored. */
    private void put(String key, byte[] value) {
        exchange.set(key, store.cipher().seal(EXCHANGE, key, value));
    }

    private byte[] get(String key) {
        byte[] sealed = exchange.get(key);
        return sealed == null ? null : store.cipher().open(EXCHANGE, key, sealed);
    }

    private static String key(String document, String what, int segment, int rank) {
        return document + "/" + what + "/" + segment + "/" + rank;
    }

    private static byte[] require(byte[] b, String what, String document, int segment) {
        if (b == null) throw new RingmemException(what + " of segment " + segment + " of '" + document + "' is missing from the store");
        return b;
    }

    private static byte[] serialize(QuerySums q) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(q);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Only a {@link QuerySums} and its arrays are accepted (the map is reachable by the stage's cluster members). */
    private static QuerySums deserialize(byte[] b) {
        ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(
                QuerySums.class.getName() + ";[[D;[D;[J;maxbytes=" + MAX_QUERY_BYTES + ";maxdepth=4;!*");
        try (InputStream raw = new ByteArrayInputStream(b); ObjectInputStream in = new ClassLoaderStream(raw)) {
            in.setObjectInputFilter(filter);
            return (QuerySums) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new RingmemException("unreadable query sums in the store: " + e.getMessage());
        }
    }

    /** Resolves classes with the connector's class loader (an executor's task loader, not the JVM's application loader). */
    private static final class ClassLoaderStream extends ObjectInputStream {
        ClassLoaderStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass d) throws ClassNotFoundException {
            return Class.forName(d.getName(), false, RingStore.class.getClassLoader());
        }
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host + " for the ring's Hazelcast member", e);
        }
    }
}
