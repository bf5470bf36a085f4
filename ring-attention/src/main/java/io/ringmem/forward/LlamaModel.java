package io.ringmem.forward;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RopeTable;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-family decoder bound to a set of kernels: the pieces a forward pass is made of (blocks, RoPE table,
 * output head), shared by sequence-parallel prefill ({@link SequenceParallelPrefill}) and decoding
 * ({@link Decoder}). Immutable and thread-safe; it does not own the weights.
 */
public final class LlamaModel {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Kernels kernels;
    private final RopeTable rope;
    private final AttentionShape attentionShape;

    public LlamaModel(ModelConfig config, ModelWeights weights, Kernels kernels) {
        weights.validate(config);
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.rope = new RopeTable(config);
        this.attentionShape = AttentionShape.of(config.heads(), config.kvHeads(), config.headDim());
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Kernels kernels() {
        return kernels;
    }

    RopeTable rope() {
        return rope;
    }

    AttentionShape attentionShape() {
        return attentionShape;
    }

    List<TransformerBlock> blocks(int blockTokens) {
        List<TransformerBlock> blocks = new ArrayList<>(config.layers());
        for (int l = 0; l < config.layers(); l++) {
            blocks.add(new TransformerBlock(config, weights.layers().get(l), kernels, blockTokens));
        }
        return blocks;
    }

    LogitsHead head(int blockTokens) {
        return new LogitsHead(config, weights, kernels, blockTokens);
    }
}
