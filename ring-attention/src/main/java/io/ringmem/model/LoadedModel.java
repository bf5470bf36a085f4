package io.ringmem.model;

import io.ringmem.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * A model ready to run: its config, weights (memory-mapped or off-heap) and tokenizer (null when none was found
 * or given; token-id input still works then). Closing it releases the mapped files and off-heap copies; the
 * weights must not be used afterwards.
 *
 * @param source    where the model came from, for messages
 * @param format    a short name of the file format ("gguf", "safetensors", "llama2c")
 * @param stopText  extra strings that end generation when they appear in the output (may be empty)
 */
public record LoadedModel(Path source, String format, ModelConfig config, ModelWeights weights, Tokenizer tokenizer,
                          List<String> stopText, Arena arena) implements AutoCloseable {
    public LoadedModel {
        weights.validate(config);
        stopText = List.copyOf(stopText);
    }

    @Override
    public void close() {
        arena.close();
    }
}
