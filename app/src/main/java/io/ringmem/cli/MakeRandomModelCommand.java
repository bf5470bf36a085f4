package io.ringmem.cli;

import io.ringmem.bench.peers.RandomLlamaSpec;
import io.ringmem.bench.peers.RandomLlamaWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ringmem make-random-model}: a random-weight Llama GGUF (with a synthetic SentencePiece vocabulary) that
 * llama.cpp, Jlama and Ringmem all load, for benchmarks against peers; optionally the same weights as an HF folder.
 */
@Command(name = "make-random-model", mixinStandardHelpOptions = true,
        description = "Write a random-weight Llama as GGUF (F32, Q8_0, Q4_0 or Q4_K) with a synthetic 'llama' vocabulary.")
final class MakeRandomModelCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path out;

    @Option(names = "--format", defaultValue = "f32", paramLabel = "f32|q8_0|q4_0|q4_k",
            description = "storage of the 2-D weights; norms stay F32 (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--vocab", defaultValue = "32000", paramLabel = "N", description = "vocabulary size (default: ${DEFAULT-VALUE})")
    int vocab;

    @Option(names = "--hidden", defaultValue = "1024", paramLabel = "N", description = "embedding width (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--layers", defaultValue = "12", paramLabel = "N", description = "layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--heads", defaultValue = "16", paramLabel = "N", description = "query heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "4", paramLabel = "N", description = "key/value heads (default: ${DEFAULT-VALUE})")
    int kvHeads;

    @Option(names = "--ffn", defaultValue = "2816", paramLabel = "N", description = "feed-forward width (default: ${DEFAULT-VALUE})")
    int ffn;

    @Option(names = "--context", defaultValue = "32768", paramLabel = "N",
            description = "context length in the metadata (default: ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "weight seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--hf-dir", paramLabel = "DIR",
            description = "also write the same weights as an HF folder (config.json, F32 model.safetensors, tokenizer.json)")
    Path hfDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RandomLlamaSpec s = new RandomLlamaSpec(vocab, hidden, layers, heads, kvHeads, ffn, context, seed,
                RandomLlamaSpec.Format.parse(format));
        RandomLlamaWriter w = new RandomLlamaWriter(s);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        w.writeGguf(out);
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "ringmem: wrote %s (%s, %.1f M parameters, %.1f MB)%n", out, s.format().lower(),
                s.parameters() / 1e6, Files.size(out) / 1e6);
        if (hfDir != null) {
            w.writeHfFolder(hfDir);
            err.printf(Locale.ROOT, "ringmem: wrote %s (HF folder, F32)%n", hfDir);
        }
        err.flush();
        return 0;
    }
}
