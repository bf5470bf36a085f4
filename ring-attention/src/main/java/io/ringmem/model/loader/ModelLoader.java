package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.tokenizer.HfBpeTokenizer;
import io.ringmem.tokenizer.SentencePieceBpe;
import io.ringmem.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Loads a Llama-family model from disk, detecting the format:
 * <ul>
 *   <li>a directory with {@code config.json} (or a {@code config.json}, {@code *.safetensors} or
 *       {@code model.safetensors.index.json} file in one): Hugging Face safetensors, single or sharded;
 *       dtypes F32, F16, BF16; tokenizer from {@code tokenizer.json};</li>
 *   <li>a file starting with {@code GGUF}: GGUF v2/v3, architecture llama; tensor types F32, F16, BF16, Q8_0,
 *       Q4_0; tokenizer from the metadata ({@code llama} or {@code gpt2} models);</li>
 *   <li>a {@code .bin} file: a llama2.c legacy checkpoint; tokenizer from {@code tokenizer.bin} or a single
 *       {@code tok*.bin} beside it.</li>
 * </ul>
 * A tokenizer passed explicitly replaces the model's own: a {@code .json} file is read as a Hugging Face
 * {@code tokenizer.json} (with {@code tokenizer_config.json} beside it when present), anything else as a llama2.c
 * {@code tokenizer.bin}.
 *
 * <p>Weights stay off the Java heap: files are memory-mapped into the returned model's shared arena and F32
 * matrices are used in place, and so are GGUF Q8_0/Q4_0 matrices (any type with an {@code io.ringmem.quant.BlockFormats}
 * entry), kept as their blocks for the fused kernels unless {@link LoadOptions#dequantize()} asks for fp32; other
 * types are converted to fp32 at load into segments of the same arena. Norm vectors are copied to heap arrays.
 * Closing the model unmaps everything.
 *
 * <p>Every problem the user can cause (missing or unreadable file, unknown format, truncated or corrupt data,
 * unsupported tensor type, missing tensor, shape mismatch) is a {@link RingmemException} with a one-line message
 * that starts with the file concerned. Thread-safe (no shared state).
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** Loads with {@link LoadOptions#DEFAULT} (quantized GGUF matrices stay quantized). */
    public static LoadedModel load(Path path, Path tokenizerOrNull) {
        return load(path, tokenizerOrNull, LoadOptions.DEFAULT);
    }

    public static LoadedModel load(Path path, Path tokenizerOrNull, LoadOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (!Files.exists(path)) throw Fail.at(path, "no such file or directory");
        if (tokenizerOrNull != null && !Files.isRegularFile(tokenizerOrNull)) {
            throw Fail.at(tokenizerOrNull, "tokenizer file not found");
        }
        Arena arena = Arena.ofShared();
        try {
            return loadInto(path, tokenizerOrNull, arena, options);
        } catch (IllegalArgumentException e) {
            arena.close();
            throw Fail.at(path, e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static LoadedModel loadInto(Path path, Path tokenizer, Arena arena, LoadOptions options) {
        boolean own = tokenizer == null;
        if (Files.isDirectory(path)) return hf(path, path, null, tokenizer, arena);
        if (!Files.isRegularFile(path)) throw Fail.at(path, "not a regular file");
        String name = path.getFileName().toString();
        Path dir = path.toAbsolutePath().getParent();
        if (name.equals(HfLoader.CONFIG)) return hf(path, dir, null, tokenizer, arena);
        if (name.endsWith(".safetensors") || name.equals(HfLoader.INDEX)) {
            return hf(path, dir, path, tokenizer, arena);
        }
        long size = size(path);
        if (size == 0) throw Fail.at(path, "file is empty");
        byte[] head = readHead(path, 4);
        boolean ggufMagic = head.length == 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
        if (ggufMagic) {
            GgufLoader.Parts p = GgufLoader.load(path, map(path, arena), arena, own, options);
            return finish(path, "gguf", p, tokenizer, arena);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gguf")) throw Fail.at(path, "not a GGUF file (no GGUF magic)");
        if (lower.endsWith(".bin")) {
            Llama2cLoader.Result r = Llama2cLoader.load(path, map(path, arena));
            Path tok = tokenizer != null ? tokenizer : findLlama2cTokenizer(path);
            Tokenizer t = tok == null ? null : SentencePieceBpe.fromLlama2c(tok, r.config().vocabSize());
            return finish(path, "llama2c", new GgufLoader.Parts(r.config(), r.weights(), t, List.of()), null, arena);
        }
        throw Fail.at(path, "not a recognized model: expected a GGUF file, a llama2.c .bin checkpoint or a "
                + "Hugging Face folder with config.json");
    }

    private static LoadedModel hf(Path shown, Path dir, Path weights, Path tokenizer, Arena arena) {
        GgufLoader.Parts p = HfLoader.load(dir, weights, arena, tokenizer == null);
        return finish(shown, "safetensors", p, tokenizer, arena);
    }

    private static LoadedModel finish(Path source, String format, GgufLoader.Parts p, Path tokenizerOverride,
                                      Arena arena) {
        Tokenizer t = tokenizerOverride != null ? explicitTokenizer(tokenizerOverride, p.config()) : p.tokenizer();
        if (t != null && t.vocabSize() > p.config().vocabSize()) {
            throw Fail.at(tokenizerOverride != null ? tokenizerOverride : source, "the tokenizer has " + t.vocabSize()
                    + " tokens but the model only " + p.config().vocabSize());
        }
        return new LoadedModel(source, format, p.config(), p.weights(), t, p.stopText(), arena);
    }

    private static Tokenizer explicitTokenizer(Path tok, ModelConfig config) {
        if (tok.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            Path cfg = tok.resolveSibling("tokenizer_config.json");
            return HfBpeTokenizer.fromFile(tok, Files.isRegularFile(cfg) && !cfg.equals(tok) ? cfg : null);
        }
        return SentencePieceBpe.fromLlama2c(tok, config.vocabSize());
    }

    /** {@code tokenizer.bin} beside the model, else the only {@code tok*.bin} there, else null. */
    static Path findLlama2cTokenizer(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        if (dir == null) return null;
        Path plain = dir.resolve("tokenizer.bin");
        if (Files.isRegularFile(plain) && !isSameFile(plain, model)) return plain;
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "tok*.bin")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p) && !isSameFile(p, model)) found.add(p);
            }
        } catch (IOException e) {
            return null;
        }
        return found.size() == 1 ? found.get(0) : null;
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw Fail.at(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] readHead(Path file, int n) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw Fail.at(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Maps the whole file read-only into {@code arena}. */
    static MemorySegment map(Path file, Arena arena) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw Fail.at(file, "file is empty");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw Fail.at(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
