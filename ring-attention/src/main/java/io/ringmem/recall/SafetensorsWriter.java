package io.ringmem.recall;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors as one safetensors file: 8-byte little-endian header length, the JSON header (padded with
 * spaces to a multiple of 8), then the data in header order.
 */
final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    static void write(Path file, Iterable<NamedTensor> tensors) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (NamedTensor t : tensors) {
            long end = offset + 4L * t.data().length;
            List<Integer> shape = Arrays.stream(t.shape()).boxed().toList();
            header.put(t.name(), Map.of("dtype", "F32", "shape", shape, "data_offsets", List.of(offset, end)));
            offset = end;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[padded];
        Arrays.fill(head, (byte) ' ');
        System.arraycopy(json, 0, head, 0, json.length);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(head);
            for (NamedTensor t : tensors) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.data());
                out.write(b.array());
            }
        }
    }
}
