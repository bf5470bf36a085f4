package io.ringmem.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a single {@code model.safetensors} into two valid shards plus a {@code model.safetensors.index.json}. */
final class ShardSplitter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardSplitter() {
    }

    /** Writes {@code shardA}, {@code shardB} (the second half of the tensors) and the index into {@code dir}. */
    static void split(Path single, Path dir, String shardA, String shardB) throws IOException {
        byte[] all = Files.readAllBytes(single);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) n;
        List<String> names = new ArrayList<>();
        for (var e : header.properties()) {
            if (!e.getKey().equals("__metadata__")) names.add(e.getKey());
        }
        int half = names.size() / 2;
        ObjectNode weightMap = JSON.createObjectNode();
        write(dir.resolve(shardA), header, names.subList(0, half), all, dataStart);
        write(dir.resolve(shardB), header, names.subList(half, names.size()), all, dataStart);
        for (int i = 0; i < names.size(); i++) weightMap.put(names.get(i), i < half ? shardA : shardB);
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", all.length - dataStart);
        index.set("weight_map", weightMap);
        Files.write(dir.resolve(HubFiles.INDEX), JSON.writeValueAsBytes(index));
    }

    private static void write(Path out, JsonNode header, List<String> names, byte[] all, int dataStart) throws IOException {
        ObjectNode h = JSON.createObjectNode();
        if (header.has("__metadata__")) h.set("__metadata__", header.get("__metadata__"));
        List<byte[]> chunks = new ArrayList<>();
        long offset = 0;
        for (String name : names) {
            JsonNode t = header.get(name);
            long b = t.get("data_offsets").get(0).asLong();
            long e = t.get("data_offsets").get(1).asLong();
            ObjectNode copy = t.deepCopy();
            copy.putArray("data_offsets").add(offset).add(offset + e - b);
            h.set(name, copy);
            chunks.add(Arrays.copyOfRange(all, dataStart + (int) b, dataStart + (int) e));
            offset += e - b;
        }
        byte[] json = JSON.writeValueAsBytes(h);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) buf.put((byte) ' ');
        for (byte[] c : chunks) buf.put(c);
        Files.write(out, buf.array());
    }
}
