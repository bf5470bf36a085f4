package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything a user can get wrong ends in a one-line {@link RingmemException} naming the file. */
class LoaderErrorsTest {

    /** Loads {@code path} expecting failure; the message must be one line, name {@code file} and contain {@code part}. */
    private static String fails(Path path, Path file, String part) {
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(path, null).close());
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertTrue(m.contains(file.getFileName().toString()), "names the file: " + m);
        assertTrue(m.contains(part), "expected '" + part + "' in: " + m);
        return m;
    }

    private static Path truncatedCopy(Path src, Path dst, long bytes) throws IOException {
        byte[] all = Files.readAllBytes(src);
        Files.write(dst, Arrays.copyOf(all, (int) bytes));
        return dst;
    }

    @Test
    void missingPath(@TempDir Path dir) {
        Path p = dir.resolve("nothing-here.gguf");
        fails(p, p, "no such file");
    }

    @Test
    void emptyFiles(@TempDir Path dir) throws IOException {
        for (String name : new String[]{"empty.bin", "empty.gguf", "empty.dat"}) {
            Path p = Files.createFile(dir.resolve(name));
            fails(p, p, "empty");
        }
    }

    @Test
    void truncatedLlama2c(@TempDir Path dir) throws IOException {
        Path p = truncatedCopy(TestData.stories260kBin(), dir.resolve("cut.bin"), 500_000);
        fails(p, p, "truncated");
        Path tiny = truncatedCopy(TestData.stories260kBin(), dir.resolve("tiny.bin"), 10);
        fails(tiny, tiny, "truncated");
        Path longer = dir.resolve("long.bin");
        Files.write(longer, Arrays.copyOf(Files.readAllBytes(TestData.stories260kBin()), 1_056_544));
        fails(longer, longer, "corrupt");
    }

    @Test
    void garbageBin(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("noise.bin");
        Files.writeString(p, "this is not a checkpoint at all, just some text");
        fails(p, p, "not a llama2.c checkpoint");
    }

    @Test
    void truncatedGguf(@TempDir Path dir) throws IOException {
        Path header = truncatedCopy(TestData.stories260kGguf(), dir.resolve("header.gguf"), 5_000);
        fails(header, header, "truncated");
        Path data = truncatedCopy(TestData.stories260kGguf(), dir.resolve("data.gguf"), 1_185_376 - 100);
        fails(data, data, "truncated: tensor");
        Path magicOnly = truncatedCopy(TestData.stories260kGguf(), dir.resolve("magic.gguf"), 6);
        fails(magicOnly, magicOnly, "truncated");
    }

    @Test
    void textFileNamedGguf(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("x.gguf");
        Files.writeString(p, "hello, I am a text file\n");
        fails(p, p, "not a GGUF file");
    }

    @Test
    void unknownFormat(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("weights.pt");
        Files.writeString(p, "PK...");
        fails(p, p, "not a recognized model");
        Path d = Files.createDirectory(dir.resolve("folder"));
        fails(d, d, "no config.json");
    }

    @Test
    void unsupportedGgufVersionAndArchitecture(@TempDir Path dir) throws IOException {
        Path v1 = dir.resolve("v1.gguf");
        new TinyGgufModel(1, true).writer(GgmlType.F32).version(1).write(v1);
        fails(v1, v1, "version 1");
        Path arch = dir.resolve("gpt2.gguf");
        new TinyGgufModel(1, true).writer(GgmlType.F32).string("general.architecture", "gpt2").write(arch);
        fails(arch, arch, "architecture 'gpt2' is not supported");
        Path noKey = dir.resolve("nokey.gguf");
        GgufWriter w = new TinyGgufModel(1, true).writer(GgmlType.F32);
        w.put("llama.block_count", GgufFile.STRING, "two");
        w.write(noKey);
        fails(noKey, noKey, "llama.block_count");
    }

    @Test
    void ggufMissingTensorAndShapeMismatch(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(2, true);
        tiny.tensors.remove("blk.1.ffn_up.weight");
        Path missing = dir.resolve("missing.gguf");
        tiny.writer(GgmlType.Q4_0).write(missing);
        fails(missing, missing, "missing tensor blk.1.ffn_up.weight");

        TinyGgufModel wrong = new TinyGgufModel(2, true);
        wrong.tensors.put("blk.0.attn_k.weight", new TinyGgufModel.Tensor(new float[64 * 64], new long[]{64, 64}));
        Path shape = dir.resolve("shape.gguf");
        wrong.writer(GgmlType.F32).write(shape);
        fails(shape, shape, "tensor blk.0.attn_k.weight has shape [64, 64], expected [32, 64]");
    }

    /** A folder with tinystories' config.json and the given model.safetensors bytes. */
    private static Path hfFolder(Path dir, byte[] safetensors) throws IOException {
        Files.copy(TestData.tinystories656k().resolve("config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("model.safetensors"), safetensors);
        return dir;
    }

    @Test
    void safetensorsWithBadHeader(@TempDir Path dir) throws IOException {
        byte[] json = "{\"a\": [1, 2".getBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path folder = hfFolder(dir, b.array());
        fails(folder, folder.resolve("model.safetensors"), "bad safetensors header");
    }

    @Test
    void safetensorsWithImplausibleHeaderLength(@TempDir Path dir) throws IOException {
        byte[] bytes = new byte[64];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 50);
        Path folder = hfFolder(dir, bytes);
        fails(folder, folder.resolve("model.safetensors"), "bad safetensors header");
    }

    @Test
    void truncatedSafetensors(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(TestData.tinystories656k().resolve("model.safetensors"));
        Path folder = hfFolder(dir, Arrays.copyOf(all, all.length - 4));
        fails(folder, folder.resolve("model.safetensors"), "truncated");
    }

    @Test
    void safetensorsUnsupportedDtypeMissingTensorAndShape(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        SafetensorsTestWriter w = new SafetensorsTestWriter()
                .addRaw("lm_head.weight", "F64", new byte[2048 * 128 * 8], 2048, 128);
        hfFolder(a, new byte[0]);
        w.write(a.resolve("model.safetensors"));
        fails(a, a.resolve("model.safetensors"), "tensor lm_head.weight has unsupported type F64; supported: F32, F16, BF16");

        Path b = Files.createDirectory(dir.resolve("b"));
        hfFolder(b, new byte[0]);
        new SafetensorsTestWriter().add("lm_head.weight", GgmlType.BF16, new float[2048 * 128], 2048, 128)
                .add("model.norm.weight", GgmlType.F32, new float[128], 128).write(b.resolve("model.safetensors"));
        fails(b, b.resolve("model.safetensors"), "missing tensor model.layers.0.input_layernorm.weight");

        Path c = Files.createDirectory(dir.resolve("c"));
        hfFolder(c, new byte[0]);
        new SafetensorsTestWriter().add("lm_head.weight", GgmlType.F16, new float[2048 * 64], 2048, 64)
                .write(c.resolve("model.safetensors"));
        fails(c, c.resolve("model.safetensors"), "tensor lm_head.weight has shape [2048, 64], expected [2048, 128]");
    }

    @Test
    void badConfigJson(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Files.writeString(a.resolve("config.json"), "{ not json");
        fails(a, a.resolve("config.json"), "not valid JSON");

        Path b = Files.createDirectory(dir.resolve("b"));
        Files.copy(TestData.tinystories656k().resolve("model.safetensors"), b.resolve("model.safetensors"));
        Files.writeString(b.resolve("config.json"), Files.readString(TestData.tinystories656k().resolve("config.json"))
                .replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}"));
        fails(b, b.resolve("config.json"), "RoPE scaling type 'yarn' is not supported");

        Path c = Files.createDirectory(dir.resolve("c"));
        Files.copy(TestData.tinystories656k().resolve("model.safetensors"), c.resolve("model.safetensors"));
        Files.writeString(c.resolve("config.json"), Files.readString(TestData.tinystories656k().resolve("config.json"))
                .replace("\"hidden_size\": 128,", ""));
        fails(c, c.resolve("config.json"), "missing hidden_size");

        Path d = Files.createDirectory(dir.resolve("d"));
        Files.copy(TestData.tinystories656k().resolve("config.json"), d.resolve("config.json"));
        fails(d, d, "no model.safetensors");
    }

    @Test
    void shardIndexProblems(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        HfLoaderTest.rewriteTinystories(a, GgmlType.F32, 2);
        Files.delete(a.resolve("model-00002-of-00002.safetensors"));
        fails(a, a.resolve("model.safetensors.index.json"), "shard model-00002-of-00002.safetensors not found");
    }

    @Test
    void missingTokenizerFile(@TempDir Path dir) {
        Path tok = dir.resolve("tok.bin");
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(TestData.stories260kBin(), tok));
        assertTrue(e.getMessage().contains("tok.bin"), e.getMessage());
    }
}
