package io.ringmem.backend;

import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;

/**
 * A model resident in a backend ({@link Backend#upload}): the block-level seam of the forward pass. One Llama
 * block is {@link #project}, attention ({@link #attendOwn} and {@link #attend}, merged exactly on the host), then
 * {@link #finish}. Hidden states stay in backend-owned {@link Activations} from {@link #load} to the logits.
 *
 * <p>Where data crosses between host and backend, and nowhere else:
 * <ul>
 *   <li>host → backend: the embedding rows ({@link #load}), the keys and values of blocks that are not the
 *       projection's own ({@link #attend}: ring blocks from other ranks, carried context, KV cache shards), the
 *       merged attention output ({@link #finish});</li>
 *   <li>backend → host: every attention's {@code (out, lse)} (the exact merge of partials is done on the host
 *       with {@code AttentionMerge}), the keys and values the ring sends and the cache keeps, the queries when
 *       retrieval asks for them ({@link Projection}), logits ({@link #logits}), pooled and final hidden states
 *       ({@link #normedSum}, {@link #download}).</li>
 * </ul>
 *
 * <p>Threading: thread-safe; the weights are shared read-only, so several ranks (threads) may run layers at once,
 * each on its own handles. Handles are thread-confined and only accepted by the model that made them (others throw
 * {@link IllegalArgumentException}). Parameters named {@code blockTokens} bound host scratch memory (tokens per
 * batched matmul) and must not change results beyond what the backend's kernels do with batch size; a device
 * backend may ignore them.
 *
 * <p>Not guaranteed: bitwise equality across backends (they agree within fp32 rounding; the scalar backend is the
 * reference), or any particular memory placement of handles.
 */
public interface DeviceModel extends AutoCloseable {

    /** The model's shape. */
    ModelConfig config();

    /**
     * Hidden states from host rows (crossing host → backend).
     *
     * @param rows (n, dim); ownership passes to the backend, the caller must not use the array afterwards
     */
    Activations load(float[] rows, int n);

    /**
     * q, k, v of {@code rmsnorm(h)} for layer {@code layer}, rotated with {@code angles}.
     *
     * @param h      (n, dim) not modified
     * @param angles (n) rotation per token, or null to leave q and k unrotated (memory tokens have no position)
     */
    Projection project(int layer, Activations h, RotaryAngles angles, int blockTokens);

    /**
     * Attention of the projection's queries over its own keys and values, which sit at the queries' positions
     * (the local block of a ring step 0, memory tokens among themselves). Nothing crosses but the result.
     *
     * @param pos  (n) positions of the projection's tokens (queries and keys alike)
     * @param out  (n, heads, headDim) written on the host
     * @param lse  (n, heads) written on the host; rows that see no key get out = 0 and lse = -∞
     */
    void attendOwn(Projection qkv, int[] pos, boolean causal, float[] out, float[] lse);

    /**
     * Attention of the projection's queries over a host KV block (crossing host → backend for k and v).
     *
     * @param qPos (n) positions of the queries
     * @param k    (nk, kvHeads, headDim) rotated keys
     * @param v    (nk, kvHeads, headDim) values
     * @param kPos (nk) positions of the keys
     * @param causal when true key j is visible to query i only if kPos[j] ≤ qPos[i]
     * @param out  (n, heads, headDim) written on the host
     * @param lse  (n, heads) written on the host
     */
    void attend(Projection qkv, int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal,
                float[] out, float[] lse);

    /**
     * The rest of layer {@code layer}, in place on h: {@code h += attn · woᵀ}, then
     * {@code h += w2 · (silu(w1 · x) ⊙ w3 · x)} with {@code x = rmsnorm(h)}.
     *
     * @param attn (n, heads·headDim) the merged attention output (crossing host → backend)
     */
    void finish(int layer, Activations h, float[] attn, int blockTokens);

    /**
     * Logits of chosen rows: final RMSNorm and output projection (crossing backend → host).
     *
     * @param rows  (count) row indices of h
     * @param out   (count, vocab) written
     */
    void logits(Activations h, int[] rows, int count, float[] out);

    /** (dim) the sum over all rows of h of the final-RMSNorm output (crossing backend → host). */
    float[] normedSum(Activations h, int blockTokens);

    /** (n, dim) a host copy of the hidden states (crossing backend → host); the caller owns it. */
    float[] download(Activations h);

    /**
     * A single-token forward pass over buffers of its own, for decoding one sequence ({@link TokenStep}). The
     * default runs on the block-level calls above and allocates per call; backends override it to reuse buffers.
     */
    default TokenStep tokenStep() {
        return new BlockTokenStep(this);
    }

    /** Releases the resident weights (device memory on a GPU; nothing on the CPU). Handles die with it. */
    @Override
    void close();
}
