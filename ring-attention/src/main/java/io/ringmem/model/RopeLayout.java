package io.ringmem.model;

/**
 * Which dimensions of a head RoPE rotates together.
 * <ul>
 *   <li>{@link #ADJACENT_PAIRS}: (2i, 2i+1), as llama2.c checkpoints and GGUF files store Q and K.</li>
 *   <li>{@link #ROTATE_HALF}: (i, i + headDim/2), as Hugging Face checkpoints store them.</li>
 * </ul>
 * Both use frequency index i for the pair, so a model is exact in the layout its weights were trained in.
 */
public enum RopeLayout {
    ADJACENT_PAIRS,
    ROTATE_HALF
}
