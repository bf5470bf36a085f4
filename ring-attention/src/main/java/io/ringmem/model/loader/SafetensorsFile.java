package io.ringmem.model.loader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed safetensors file over its mapped bytes: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}, then the data; offsets are
 * relative to the end of the header. F32, F16 and BF16 tensors get a {@link GgmlType}; other dtypes are listed with
 * a null type so that using them gives a clear error.
 */
final class SafetensorsFile {
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, StoredTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    Path file() {
        return file;
    }

    /** Tensors by name, in header order (unmodifiable). */
    Map<String, StoredTensor> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} string map (unmodifiable; empty when absent). */
    Map<String, String> metadata() {
        return metadata;
    }

    static SafetensorsFile parse(Path file, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < 8) throw Fail.at(file, "not a safetensors file: only " + size + " bytes");
        long headerLen = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > MAX_HEADER) {
            throw Fail.at(file, "bad safetensors header: header length " + Long.toUnsignedString(headerLen)
                    + " is not plausible");
        }
        if (headerLen > size - 8) {
            throw Fail.at(file, "truncated safetensors file: header needs " + (8 + headerLen)
                    + " bytes, the file has " + size);
        }
        byte[] header = seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw Fail.at(file, "bad safetensors header: not valid JSON (" + Fail.json(e) + ")");
        } catch (IOException e) {
            throw Fail.at(file, "bad safetensors header: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw Fail.at(file, "bad safetensors header: not a JSON object");
        long dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode t = e.getValue();
            if (name.equals("__metadata__")) {
                if (t.isObject()) t.properties().forEach(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String bad = "bad safetensors header: tensor " + name;
            if (!t.isObject() || !t.path("dtype").isTextual() || !t.path("shape").isArray()
                    || !t.path("data_offsets").isArray() || t.path("data_offsets").size() != 2) {
                throw Fail.at(file, bad + " needs dtype, shape and data_offsets [begin, end]");
            }
            String dtype = t.get("dtype").asText();
            long[] shape = new long[t.get("shape").size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = t.get("shape").get(i);
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                    throw Fail.at(file, bad + " has an invalid shape " + t.get("shape"));
                }
                shape[i] = d.asLong();
                try {
                    elements = Math.multiplyExact(elements, shape[i]);
                } catch (ArithmeticException ex) {
                    throw Fail.at(file, bad + " has an invalid shape " + t.get("shape"));
                }
            }
            JsonNode b = t.get("data_offsets").get(0);
            JsonNode en = t.get("data_offsets").get(1);
            if (!b.isIntegralNumber() || !en.isIntegralNumber() || !b.canConvertToLong() || !en.canConvertToLong()) {
                throw Fail.at(file, bad + " has invalid data_offsets");
            }
            long begin = b.asLong();
            long end = en.asLong();
            if (begin < 0 || end < begin) throw Fail.at(file, bad + " has invalid data_offsets [" + begin + ", " + end + "]");
            if (end > dataSize) {
                throw Fail.at(file, "truncated: tensor " + name + " ends at data offset " + end + " but the file holds "
                        + dataSize + " data bytes");
            }
            GgmlType type = switch (dtype) {
                case "F32" -> GgmlType.F32;
                case "F16" -> GgmlType.F16;
                case "BF16" -> GgmlType.BF16;
                default -> null;
            };
            MemorySegment data = null;
            if (type != null) {
                long want;
                try {
                    want = type.bytesFor(elements);
                } catch (ArithmeticException ex) {
                    throw Fail.at(file, bad + " has an invalid shape " + t.get("shape") + " (its size overflows)");
                }
                if (end - begin != want) {
                    throw Fail.at(file, bad + " spans " + (end - begin) + " bytes but " + dtype + " "
                            + t.get("shape") + " needs " + want);
                }
                data = seg.asSlice(dataStart + begin, want);
            }
            tensors.put(name, new StoredTensor(file, name, type, dtype, shape, data, "F32, F16, BF16"));
        }
        return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta));
    }
}
