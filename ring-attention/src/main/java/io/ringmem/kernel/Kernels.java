package io.ringmem.kernel;

import io.ringmem.tensor.Matrix;

/**
 * The numerical primitives of the forward pass. {@link ScalarKernels} is the reference: plain loops, easy to
 * audit, slow. Fast implementations must match it within fp32 rounding (tests check them on seeded random
 * shapes). All arrays are row-major; shapes are given in the parameter docs. Implementations are thread-safe
 * and may use several threads inside one call; they never keep references to arguments after returning.
 *
 * <p>These are op-level primitives over host arrays. The forward pass does not call them directly: it runs on the
 * block-level seam ({@code io.ringmem.backend.DeviceModel}), which the CPU backend implements with these kernels.
 */
public interface Kernels extends AutoCloseable {

    /** A short name for logs and benchmark tables. */
    String name();

    /** Releases worker threads, if the implementation has any. The kernels must not be used afterwards. */
    @Override
    default void close() {
    }

    /**
     * {@code out (n, w.rows) = x (n, w.cols) · wᵀ}. Batched over tokens so each weight row is read once per
     * token block, not once per token. {@code w} may be block-quantized ({@link Matrix#format()}): then the
     * result matches dequantize-then-fp32 within fp32 summation order.
     */
    void matmul(float[] x, int n, Matrix w, float[] out);

    /** {@code out[t] = x[t] / rms(x[t]) * weight} for t in [0, n); x, out (n, dim); out may be x. */
    void rmsnorm(float[] x, float[] weight, float eps, int n, float[] out);

    /**
     * Rotates x in place: x (n, heads, headDim); token t uses row t of {@code angles} (see {@link RopeTable}).
     */
    void rope(float[] x, int n, int heads, RotaryAngles angles);

    /** {@code gate[i] = silu(gate[i]) * up[i]} for i in [0, len): the SwiGLU activation, in place on gate. */
    void swiglu(float[] gate, float[] up, int len);

    /** In-place numerically stable softmax of {@code x[off .. off+len)}. */
    void softmax(float[] x, int off, int len);

    /**
     * Exact attention of a query block over one KV block, returning the normalized partial output and its
     * log-sum-exp so that partials over disjoint KV blocks can be merged exactly with {@link AttentionMerge}.
     *
     * <p>Rows (token, head) that see no key get {@code out = 0} and {@code lse = -∞}.
     *
     * @param q       (nq, heads, headDim) queries, already rotated
     * @param qPos    (nq) global positions of the queries
     * @param k       (nk, kvHeads, headDim) keys, already rotated
     * @param v       (nk, kvHeads, headDim) values
     * @param kPos    (nk) global positions of the keys
     * @param causal  when true key j is visible to query i only if kPos[j] ≤ qPos[i]
     * @param out     (nq, heads, headDim) written
     * @param lse     (nq, heads) written, natural-log log-sum-exp of the scaled scores
     */
    void attention(AttentionShape shape, float[] q, int[] qPos, int nq, float[] k, float[] v, int[] kPos, int nk,
                   boolean causal, float[] out, float[] lse);
}
