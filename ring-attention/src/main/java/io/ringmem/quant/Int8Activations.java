package io.ringmem.quant;

/**
 * Rows of fp32 activations quantized per block to int8 with one fp32 scale per block, as llama.cpp quantizes the
 * activations of a quantized matmul: blocks of 32 ({@code block_q8_0}, for Q8_0/Q4_0 weights) or of 256
 * ({@code block_q8_K}, for the K-quants) with the integer sum of every 16 levels kept beside them (the K-quants'
 * min terms need {@code Σ x} per sub-block).
 *
 * <p>Per block: {@code d = max|x| / 127}, {@code q = round-half-even(x / d)} in [−127, 127] (all zero when the
 * block is), so {@code |x − d·q| ≤ d/2} up to one fp32 rounding of {@code x / d}: the error the integer path adds
 * to a dot, bounded by {@code Σ_blocks (d/2) Σ_{i∈block} |w_i|} (the tests assert it).
 *
 * <p>Holds {@code rows × cols} activations: {@code q (rows, cols)}, {@code d (rows, cols / block)},
 * {@code sums16 (rows, cols / 16)}. Mutable scratch: {@link #quantizeRows} fills rows in place (distinct row ranges
 * may be filled from distinct threads); not otherwise thread-safe. Not guaranteed: the same rounding as a given
 * llama.cpp build ({@code nearest_int} vs {@code roundf} differ on exact halves).
 */
public final class Int8Activations {
    /** Block of Q8_0-style activations. */
    public static final int SMALL_BLOCK = 32;
    /** Block of Q8_K-style activations (a K-quant super-block). */
    public static final int K_BLOCK = 256;
    /** Levels per stored sum. */
    public static final int SUM_GROUP = 16;

    private final int rows, cols, block;
    private final byte[] q;      // (rows, cols)
    private final float[] d;     // (rows, cols / block)
    private final int[] sums16;  // (rows, cols / 16)

    /**
     * Scratch for {@code rows × cols} activations in blocks of {@code block} (32 or 256); cols must be a multiple of
     * it.
     */
    public Int8Activations(int rows, int cols, int block) {
        if (block != SMALL_BLOCK && block != K_BLOCK) throw new IllegalArgumentException("activation block must be 32 or 256: " + block);
        if (rows < 1 || cols < 1 || cols % block != 0) {
            throw new IllegalArgumentException("activations (" + rows + ", " + cols + ") are not whole blocks of " + block);
        }
        this.rows = rows;
        this.cols = cols;
        this.block = block;
        this.q = new byte[rows * cols];
        this.d = new float[rows * (cols / block)];
        this.sums16 = new int[rows * (cols / SUM_GROUP)];
    }

    /** The activation block size the integer path uses with weights of format f: 256 for K-quants, else 32. */
    public static int blockFor(BlockFormat f) {
        return f.blockElements() % K_BLOCK == 0 ? K_BLOCK : SMALL_BLOCK;
    }

    /** Quantizes rows [r0, r1) from {@code x[xOff + r·cols ..]}, x (rows, cols) fp32. */
    public void quantizeRows(float[] x, int xOff, int r0, int r1) {
        int blocks = cols / block;
        for (int r = r0; r < r1; r++) {
            for (int b = 0; b < blocks; b++) {
                int s = xOff + r * cols + b * block, o = r * cols + b * block;
                float amax = 0;
                for (int j = 0; j < block; j++) amax = Math.max(amax, Math.abs(x[s + j]));
                float scale = amax / 127f, inv = amax != 0 ? 127f / amax : 0f;
                d[r * blocks + b] = scale;
                for (int g = 0; g < block; g += SUM_GROUP) {
                    int sum = 0;
                    for (int j = g; j < g + SUM_GROUP; j++) {
                        int v = Math.max(-127, Math.min(127, (int) Math.rint(x[s + j] * inv)));
                        q[o + j] = (byte) v;
                        sum += v;
                    }
                    sums16[(o + g) / SUM_GROUP] = sum;
                }
            }
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int block() {
        return block;
    }

    /** Level of activation (r, c). */
    public int level(int r, int c) {
        return q[r * cols + c];
    }

    /** Scale of the block holding activation (r, c). */
    public float scale(int r, int c) {
        return d[r * (cols / block) + c / block];
    }

    /** Σ of the 16 levels of row r from column c (a multiple of 16). */
    public int sum16(int r, int c) {
        return sums16[(r * cols + c) / SUM_GROUP];
    }

    /** The value the integer path sees for activation (r, c): {@code scale · level}. */
    public float value(int r, int c) {
        return scale(r, c) * level(r, c);
    }
}
