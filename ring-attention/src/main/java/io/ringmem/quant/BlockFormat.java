package io.ringmem.quant;

import java.lang.foreign.MemorySegment;

/**
 * One ggml block-quantized weight format (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, ...): a row of {@code n} weights,
 * {@code n} a multiple of {@link #blockElements()}, is stored as {@code n / blockElements()} consecutive blocks of
 * {@link #blockBytes()} bytes each, little-endian, byte for byte as ggml and GGUF lay them out.
 *
 * <p>Contract shared by every implementation: {@link #dequantize} is the scalar reference (the oracle of the fused
 * kernels); {@link #dot} computes {@code Σ w_i · x_i} over whole blocks of one row without materializing the
 * weights, and agrees with dequantize-then-fp32-dot within the tolerance its tests state (summation order differs,
 * so results are not bit-identical to the reference); {@link #quantize} writes blocks as ggml's reference quantizer
 * would (used by the test GGUF writer and {@code bench peers}); it is not guaranteed to pick the same scales as
 * llama.cpp's optimizing quantizers ({@code quantize} with an importance matrix).
 *
 * <p>Implementations are stateless and thread-safe. Offsets are byte offsets into {@code src}/{@code dst}; callers
 * have validated that the blocks lie inside the segment (implementations may still throw
 * {@link IndexOutOfBoundsException} from the segment's own bounds checks).
 */
public interface BlockFormat {
    /** ggml's name of the format, e.g. {@code "Q4_K"}. */
    String name();

    /** ggml's numeric type id (GGUF tensor {@code type}). */
    int ggmlId();

    /** Weights per block (32 for Q8_0/Q4_0, 256 for K-quants). */
    int blockElements();

    /** Bytes per block. */
    int blockBytes();

    /**
     * Reference decoding.
     *
     * @param src        quantized data
     * @param byteOffset offset of the first block
     * @param dst        (blocks · blockElements) floats written from {@code dstOff}
     * @param blocks     number of consecutive blocks
     */
    void dequantize(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks);

    /**
     * The same floats as {@link #dequantize}, bit for bit, possibly faster (vectorized): the kernels use it to
     * unpack panels of weight rows to fp32 for the batched (prefill) matmul. The default delegates to
     * {@link #dequantize}.
     */
    default void unpack(MemorySegment src, long byteOffset, float[] dst, int dstOff, int blocks) {
        dequantize(src, byteOffset, dst, dstOff, blocks);
    }

    /**
     * Fused dequantize-dot: {@code Σ_{i < blocks·blockElements} w_i · x[xOff + i]}.
     *
     * @param x (blocks · blockElements) activations from {@code xOff}
     */
    float dot(MemorySegment src, long byteOffset, float[] x, int xOff, int blocks);

    /**
     * Quantizes {@code blocks · blockElements} floats from {@code src[srcOff]} into blocks written at
     * {@code dst[byteOffset]}.
     */
    void quantize(float[] src, int srcOff, MemorySegment dst, long byteOffset, int blocks);
}
