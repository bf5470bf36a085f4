package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code score --mode segments} on a tinystories-656k copy that carries {@code ringmem.memory_tokens}. */
class MemoryTokensCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies tinystories-656k into {@code dir}, appending an fp32 (2, 128) memory tensor to its safetensors file. */
    private static Path withMemory(Path dir) throws IOException {
        Path src = CliTest.data("models/tinystories-656k");
        for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(name), dir.resolve(name));
        }
        byte[] file = Files.readAllBytes(src.resolve("model.safetensors"));
        long headerLen = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(new String(file, 8, (int) headerLen, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) headerLen, dataLen = file.length - dataStart;
        int m = 2, dim = 128;
        ByteBuffer mem = ByteBuffer.allocate(m * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < m * dim; i++) mem.putFloat((float) (r.nextGaussian() * 0.05));
        ObjectNode t = header.putObject("ringmem.memory_tokens");
        t.put("dtype", "F32");
        t.putArray("shape").add(m).add(dim);
        t.putArray("data_offsets").add(dataLen).add(dataLen + mem.capacity());
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(h);
        for (int i = h.length; i < padded; i++) out.write(' ');
        out.write(file, dataStart, dataLen);
        out.write(mem.array());
        Files.write(dir.resolve("model.safetensors"), out.toByteArray());
        return dir;
    }

    @Test
    void usesMemoryTokensUnlessDisabled(@TempDir Path dir) throws Exception {
        String model = withMemory(Files.createDirectory(dir.resolve("model"))).toString();
        StringBuilder b = new StringBuilder("1");
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 1; i < 48; i++) b.append(' ').append(rnd.nextInt(2048));
        Path ids = Files.writeString(dir.resolve("ids.txt"), b.toString());
        String[] common = {"score", "--model", model, "--tokens", ids.toString(), "--json", "--workers", "2", "--mode", "segments",
                "--segment-tokens", "16"};
        CliTest.Result on = CliTest.run(common);
        assertEquals(0, on.code(), on.err());
        assertTrue(on.err().contains("using the checkpoint's 2 RMT memory tokens"), on.err());
        String[] offArgs = Arrays.copyOf(common, common.length + 1);
        offArgs[common.length] = "--no-memory-tokens";
        CliTest.Result off = CliTest.run(offArgs);
        assertEquals(0, off.code(), off.err());
        assertTrue(off.err().contains("not used"), off.err());
        assertFalse(off.err().contains("using the checkpoint's"), off.err());
        JsonNode a = JSON.readTree(on.out()), c = JSON.readTree(off.out());
        assertTrue(Math.abs(a.get("meanNll").asDouble() - c.get("meanNll").asDouble()) > 1e-6, "memory tokens must change the scores");
    }
}
