package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.segment.SegmentConfig;
import picocli.CommandLine.Option;

import java.util.Locale;

/** Options of {@code score --mode segments}: segment size, carried context, KV compression, retrieval, memory tokens. */
final class SegmentOptions {
    @Option(names = "--mode", defaultValue = "exact", paramLabel = "exact|segments",
            description = "exact: the whole document in one ring; segments: segment by segment with carried, compressed KV (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--segment-tokens", defaultValue = "512", paramLabel = "S", description = "tokens per segment (default: ${DEFAULT-VALUE})")
    int segmentTokens;

    @Option(names = "--kv-codec", defaultValue = "int8", paramLabel = "int8|int4|int2|none",
            description = "compression of stored KV blocks (default: ${DEFAULT-VALUE})")
    String codec;

    @Option(names = "--retrieve-top-k", defaultValue = "4", paramLabel = "K",
            description = "stored blocks each rank retrieves per layer and segment (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--sink-tokens", defaultValue = "4", paramLabel = "N", description = "first tokens always carried exactly (default: ${DEFAULT-VALUE})")
    int sinks;

    @Option(names = "--window-tokens", paramLabel = "N", description = "last tokens of the previous segment carried exactly (default: segment-tokens / 4)")
    Integer window;

    @Option(names = "--kv-keep-ratio", defaultValue = "1", paramLabel = "R",
            description = "token selection: share of each stored block's tokens kept, by estimated attention mass (default: ${DEFAULT-VALUE})")
    double keepRatio;

    @Option(names = "--kv-block-tokens", defaultValue = "64", paramLabel = "N", description = "tokens per stored KV block (default: ${DEFAULT-VALUE})")
    int blockTokens;

    @Option(names = "--store", defaultValue = "memory", paramLabel = "memory|hazelcast",
            description = "where stored KV blocks live: this process's heap, or a Hazelcast cluster (default: ${DEFAULT-VALUE})")
    String store;

    @Option(names = "--store-config", paramLabel = "FILE",
            description = "Hazelcast store settings (.properties, see docs/memory-store.md); implies --store hazelcast; "
                    + "default: one embedded member on 127.0.0.1:5701")
    java.nio.file.Path storeConfig;

    @Option(names = "--document-id", paramLabel = "ID", description = "key of the document's blocks in the store (default: derived from the input)")
    String documentId;

    boolean hazelcast() {
        return switch (store.toLowerCase(Locale.ROOT)) {
            case "memory" -> storeConfig != null;
            case "hazelcast" -> true;
            default -> throw new RingmemException("unknown --store '" + store + "': use memory or hazelcast");
        };
    }

    @Option(names = "--no-memory-tokens",
            description = "ignore the checkpoint's RMT memory tokens (ringmem.memory_tokens); by default segment mode uses them when present")
    boolean noMemoryTokens;

    boolean segmented() {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "exact" -> false;
            case "segments" -> true;
            default -> throw new RingmemException("unknown --mode '" + mode + "': use exact or segments");
        };
    }

    SegmentConfig config() {
        try {
            return new SegmentConfig(segmentTokens, sinks, window == null ? segmentTokens / 4 : window, blockTokens,
                    codec.toLowerCase(Locale.ROOT), topK, 0, !noMemoryTokens, keepRatio);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
    }
}
