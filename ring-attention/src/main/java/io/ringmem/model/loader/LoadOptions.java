package io.ringmem.model.loader;

/**
 * How {@link ModelLoader} represents weights.
 *
 * @param dequantize expand block-quantized GGUF matrices (Q8_0, Q4_0, ...) to fp32 at load, as before quantized
 *                   weights were kept: about 4× (Q8_0) to 7× (Q4_0) the memory, for comparisons and benchmarks;
 *                   false (the default) keeps them as the mapped blocks the fused kernels read
 */
public record LoadOptions(boolean dequantize) {
    /** Quantized matrices stay quantized. */
    public static final LoadOptions DEFAULT = new LoadOptions(false);
}
