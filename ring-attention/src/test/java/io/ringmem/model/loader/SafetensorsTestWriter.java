package io.ringmem.model.loader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files for tests: tensors from float arrays stored as F32, F16 or BF16 (or raw bytes with any
 * dtype name), optional {@code __metadata__}; one file, or shards named like Hugging Face's
 * ({@code model-00001-of-00002.safetensors}) plus {@code model.safetensors.index.json}.
 */
final class SafetensorsTestWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String name, String dtype, long[] shape, byte[] data) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a tensor stored as {@code type} (F32, F16 or BF16); {@code shape} outermost first. */
    SafetensorsTestWriter add(String name, GgmlType type, float[] values, long... shape) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException("safetensors has no " + type);
        }
        return addRaw(name, type.name(), Dequantize.encode(type, values), shape);
    }

    SafetensorsTestWriter addRaw(String name, String dtype, byte[] data, long... shape) {
        entries.add(new Entry(name, dtype, shape.clone(), data));
        return this;
    }

    SafetensorsTestWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    void write(Path file) throws IOException {
        Files.write(file, toBytes(entries, metadata));
    }

    byte[] toBytes() throws IOException {
        return toBytes(entries, metadata);
    }

    /**
     * Writes {@code shards} files into {@code dir}, splitting the tensors in order into near-equal runs, and the
     * index mapping each tensor to its shard. Every shard carries the metadata.
     */
    void writeSharded(Path dir, int shards) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        long total = 0;
        for (Entry e : entries) total += e.data().length;
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        int per = (entries.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            List<Entry> part = entries.subList(Math.min(entries.size(), s * per), Math.min(entries.size(), (s + 1) * per));
            for (Entry e : part) map.put(e.name(), name);
            Files.write(dir.resolve(name), toBytes(part, metadata));
        }
        Files.writeString(dir.resolve(HfLoader.INDEX), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
    }

    private static byte[] toBytes(List<Entry> entries, Map<String, String> metadata) throws IOException {
        ObjectNode h = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = h.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long off = 0;
        for (Entry e : entries) {
            ObjectNode t = h.putObject(e.name());
            t.put("dtype", e.dtype());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            t.putArray("data_offsets").add(off).add(off + e.data().length);
            off += e.data().length;
        }
        StringBuilder header = new StringBuilder(JSON.writeValueAsString(h));
        while ((header.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) header.append(' ');
        byte[] hb = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array());
        out.write(hb);
        for (Entry e : entries) out.write(e.data());
        return out.toByteArray();
    }
}
