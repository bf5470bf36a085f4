package io.ringmem.kernel;

import io.ringmem.tensor.Matrix;

import java.util.Objects;

/**
 * Fast kernels: SIMD via the incubating Vector API ({@code --add-modules jdk.incubator.vector}) and a fixed pool
 * of daemon worker threads owned by this instance.
 *
 * <p>Contract: results match {@link ScalarKernels} within fp32 rounding (float accumulation in a different order,
 * fused multiply-adds, a polynomial exp with relative error below 2e-7). Results are deterministic: the same inputs
 * give bitwise the same outputs on every call, whatever the thread count, the calling thread or the JIT's state
 * (work is split by shape only, and lane sums use a fixed order). Thread-safe: any number of threads may call one
 * instance concurrently; the calling thread always takes part in its own call, so calls never wait on each other
 * for a worker. Small calls run entirely on the calling thread, as do matmuls whose weights live in a confined
 * arena (helpers may not read them). {@link #close()} stops the workers; later calls throw
 * {@link IllegalStateException}.
 *
 * <p>Not guaranteed: bit-identical results to {@link ScalarKernels}, or across CPUs with a different vector width;
 * speed before the JIT has compiled the kernels (the Vector API is very slow interpreted) or where the Vector API
 * falls back to its Java implementation (no C2).
 */
public final class VectorKernels implements Kernels {
    private final WorkerPool pool;
    private final VectorMatmul matmul;
    private final VectorElementwise elementwise;
    private final VectorAttention attention;

    /** Kernels using {@link Runtime#availableProcessors()} threads (the caller included). */
    public VectorKernels() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** Kernels using at most {@code threads} threads per call, the caller included; {@code threads >= 1}. */
    public VectorKernels(int threads) {
        this(threads, QuantizedPrefill.AUTO);
    }

    /**
     * Kernels using at most {@code threads} threads per call, the caller included, whose prefill matmuls on
     * block-quantized weights take the path {@code prefill} selects.
     */
    public VectorKernels(int threads, QuantizedPrefill prefill) {
        this.pool = new WorkerPool(threads);
        this.matmul = new VectorMatmul(pool, Objects.requireNonNull(prefill, "prefill"));
        this.elementwise = new VectorElementwise(pool);
        this.attention = new VectorAttention(pool);
    }

    @Override
    public String name() {
        return "vector";
    }

    /** Threads per call, the caller included. */
    public int threads() {
        return pool.parallelism();
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public void matmul(float[] x, int n, Matrix w, float[] out) {
        pool.ensureOpen();
        matmul.matmul(x, n, w, out);
    }

    @Override
    public void rmsnorm(float[] x, float[] weight, float eps, int n, float[] out) {
        pool.ensureOpen();
        elementwise.rmsnorm(x, weight, eps, n, out);
    }

    @Override
    public void rope(float[] x, int n, int heads, RotaryAngles angles) {
        pool.ensureOpen();
        elementwise.rope(x, n, heads, angles);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int len) {
        pool.ensureOpen();
        elementwise.swiglu(gate, up, len);
    }

    @Override
    public void softmax(float[] x, int off, int len) {
        pool.ensureOpen();
        VectorElementwise.softmax(x, off, len);
    }

    @Override
    public void attention(AttentionShape shape, float[] q, int[] qPos, int nq, float[] k, float[] v, int[] kPos, int nk,
                          boolean causal, float[] out, float[] lse) {
        pool.ensureOpen();
        attention.attention(shape, q, qPos, nq, k, v, kPos, nk, causal, out, lse);
    }
}
