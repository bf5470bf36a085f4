package io.ringmem.model.loader;

/**
 * Tensor element types as numbered by ggml (GGUF {@code type} field) whose layout Ringmem knows, and the subset this
 * loader converts ({@link #loaderConverts}). Safetensors dtypes F32, F16 and BF16 map onto the same constants.
 *
 * <p>The block types (Q4_0, Q8_0 and the K-quants Q4_K, Q5_K, Q6_K, Q8_K) have a format in
 * {@code io.ringmem.quant.BlockFormats}: the loader keeps their matrices quantized (mapped blocks) or, when asked to
 * dequantize, expands them to fp32 with {@link Dequantize}. Types with a layout here but {@link #loaderConverts}
 * false would be refused by the loader ({@link #byId} does not return them); at present there are none.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q8_0(8, 32, 34, true),
    // K-quants: super-blocks of 256 values (ggml's QK_K)
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, true),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, true),
    BF16(30, 1, 2, true);

    /** ggml's numeric id. */
    public final int id;
    /** Elements per block (1 for plain floats). */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;
    /** Whether the model loader accepts tensors of this type (the others are refused as unsupported). */
    public final boolean loaderConverts;

    GgmlType(int id, int blockSize, int blockBytes, boolean loaderConverts) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.loaderConverts = loaderConverts;
    }

    /** The names of all ggml type ids, for messages; index = id, null for ids never used. */
    private static final String[] NAMES = {
            "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
            "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M",
            "BF16", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "TQ1_0", "TQ2_0", "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8",
            "MXFP4"};

    /** The type with ggml id {@code id} that the loader converts ({@link #loaderConverts}), or null. */
    public static GgmlType byId(long id) {
        GgmlType t = layoutOf(id);
        return t != null && t.loaderConverts ? t : null;
    }

    /** The type with ggml id {@code id} whose layout is known here (converted by the loader or not), or null. */
    public static GgmlType layoutOf(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) return t;
        }
        return null;
    }

    /** ggml's name for a type id ("Q5_K"), or "unknown" when the id is not one ggml defines. */
    public static String nameOf(long id) {
        return id >= 0 && id < NAMES.length ? NAMES[(int) id] : "unknown";
    }

    /** The names of the types the loader accepts, in declaration order ("F32, F16, Q4_0, ..."), for messages. */
    public static String supportedList() {
        return SUPPORTED;
    }

    private static final String SUPPORTED = supported();

    private static String supported() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : values()) {
            if (t.loaderConverts) sb.append(sb.isEmpty() ? "" : ", ").append(t.name());
        }
        return sb.toString();
    }

    /**
     * Bytes taken by {@code elements} values; {@code elements} must be a multiple of {@link #blockSize}.
     *
     * @throws ArithmeticException when the size does not fit a long (a corrupt shape)
     */
    public long bytesFor(long elements) {
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }
}
