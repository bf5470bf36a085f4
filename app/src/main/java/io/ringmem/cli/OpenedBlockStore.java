package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.segment.InMemoryKvBlockStore;
import io.ringmem.segment.KvBlockStore;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreKvBlockStore;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens the KV block store segment mode writes to, as the CLI options say; closing releases the cluster member. */
final class OpenedBlockStore implements AutoCloseable {
    private final KvBlockStore store;
    private final HazelcastMemoryStore cluster; // null for the in-process store
    private final String description;

    private OpenedBlockStore(KvBlockStore store, HazelcastMemoryStore cluster, String description) {
        this.store = store;
        this.cluster = cluster;
        this.description = description;
    }

    static OpenedBlockStore open(SegmentOptions o, int layers, String documentId) {
        if (!o.hazelcast()) return new OpenedBlockStore(new InMemoryKvBlockStore(layers), null, "in-process store");
        StoreConfig cfg;
        try {
            cfg = o.storeConfig != null ? StoreConfig.load(o.storeConfig)
                    : StoreConfig.builder("ringmem-cli").bindAddress("127.0.0.1").port(5701).loggingType("none").build();
        } catch (IOException e) {
            throw new RingmemException(o.storeConfig + ": cannot read (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new RingmemException((o.storeConfig == null ? "store config" : o.storeConfig.toString()) + ": " + e.getMessage());
        }
        HazelcastMemoryStore hz;
        try {
            hz = new HazelcastMemoryStore(cfg);
        } catch (RuntimeException e) {
            throw new RingmemException("cannot start or reach the Hazelcast store (" + cfg.mode().name().toLowerCase() + ", "
                    + (cfg.members().isEmpty() ? "port " + cfg.port() : String.join(",", cfg.members())) + "): " + e.getMessage(), e);
        }
        return new OpenedBlockStore(new StoreKvBlockStore(hz, documentId), hz,
                "Hazelcast store (cluster " + cfg.clusterName() + ", document " + documentId + ")");
    }

    static String documentId(SegmentOptions o, Path input, int[] ids) {
        if (o.documentId != null) return o.documentId;
        String base = input == null ? "tokens" : input.getFileName().toString();
        return base + "-" + Integer.toHexString(Arrays.hashCode(ids));
    }

    KvBlockStore store() {
        return store;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        if (cluster != null) cluster.close();
    }
}
