package io.ringmem.spark;

import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.tokenizer.Tokenizer;

import java.nio.file.Path;

/**
 * A model loaded in an executor JVM: the memory-mapped weights, a backend and the {@link LlamaModel} on it. Shared by
 * the concurrent tasks of the executor (the model is read-only; each document builds its own per-call state).
 * Obtained through {@link ExecutorModels#get}; lives until the JVM exits.
 */
final class ExecutorModel implements AutoCloseable {
    private final LoadedModel loaded;
    private final Backend backend;
    private final LlamaModel llama;

    private ExecutorModel(LoadedModel loaded, Backend backend) {
        this.loaded = loaded;
        this.backend = backend;
        this.llama = new LlamaModel(loaded.config(), loaded.weights(), backend);
    }

    /** Loads {@code key}'s model (memory-mapped) and creates its backend. */
    static ExecutorModel load(ExecutorModels.Key key) {
        LoadedModel m = ModelLoader.load(Path.of(key.model()), key.tokenizer() == null ? null : Path.of(key.tokenizer()));
        try {
            Backend b = Backends.discover().create(key.kernels(), new BackendSettings(key.threads()));
            return new ExecutorModel(m, b);
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    LlamaModel llama() {
        return llama;
    }

    /** The model's tokenizer, or null (token ids only). */
    Tokenizer tokenizer() {
        return loaded.tokenizer();
    }

    int vocabSize() {
        return loaded.config().vocabSize();
    }

    @Override
    public void close() {
        backend.close();
        loaded.close();
    }
}
