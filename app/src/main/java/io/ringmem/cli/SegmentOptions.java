package io.ringmem.cli;

import io.ringmem.RingmemException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How {@code score} runs: exact or in segments, and where segment mode stores its KV blocks (the segment settings are
 * {@link SegmentSettingsOptions}).
 */
final class SegmentOptions {
    @Option(names = "--mode", defaultValue = "exact", paramLabel = "exact|segments",
            description = "exact: the whole document in one ring; segments: segment by segment with carried, compressed KV"
                    + " (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--store", defaultValue = "memory", paramLabel = "memory|hazelcast",
            description = "where stored KV blocks live: this process's heap, or a Hazelcast cluster (default: ${DEFAULT-VALUE})")
    String store;

    @Option(names = "--store-config", paramLabel = "FILE",
            description = "Hazelcast store settings (.properties, see docs/memory-store.md); implies --store hazelcast; "
                    + "default: one embedded member on 127.0.0.1:5701")
    Path storeConfig;

    @Option(names = "--document-id", paramLabel = "ID",
            description = "key of the document's blocks in the store (default: derived from the input)")
    String documentId;

    boolean hazelcast() {
        return switch (store.toLowerCase(Locale.ROOT)) {
            case "memory" -> storeConfig != null;
            case "hazelcast" -> true;
            default -> throw new RingmemException("unknown --store '" + store + "': use memory or hazelcast");
        };
    }

    boolean segmented() {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "exact" -> false;
            case "segments" -> true;
            default -> throw new RingmemException("unknown --mode '" + mode + "': use exact or segments");
        };
    }
}
