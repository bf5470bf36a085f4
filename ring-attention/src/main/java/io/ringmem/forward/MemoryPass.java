package io.ringmem.forward;

import io.ringmem.backend.Activations;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.kernel.AttentionMerge;
import io.ringmem.model.ModelConfig;
import io.ringmem.ring.KvBlock;

import java.util.Arrays;
import java.util.List;

/**
 * The memory-token halves of an RMT segment (Bulatov et al., Recurrent Memory Transformer), run outside the ring on
 * the caller's thread. A segment is seen as {@code [read memory (M) | segment tokens | write memory (M)]}, causal:
 *
 * <ul>
 *   <li>{@link #read}: the M read tokens attend only to themselves (causally) at every layer, so their per-layer
 *       K/V can be computed before the segment; the ring's queries then see them as an extra block whose keys all
 *       sit at {@link #READ_MASK_POSITION}.</li>
 *   <li>{@link #write}: the M write tokens (input embeddings = the same memory that was read) attend to everything
 *       the caller gives them per layer (read memory, carried context, the whole segment) plus their own earlier
 *       write tokens; their final hidden states (before the final RMSNorm) are the next segment's read memory.</li>
 * </ul>
 *
 * <p>Memory tokens have no rotary position: their q and k are not rotated. Exact up to fp32 rounding of the
 * attention merge; not thread-safe per call but stateless, so calls may run concurrently.
 */
public final class MemoryPass {
    /**
     * The mask position of read-memory keys as the segment's queries see them: below every document position, so
     * the causal mask admits them for every query. It is only a mask position: the keys are not rotated.
     */
    public static final int READ_MASK_POSITION = -1;

    private final LlamaModel model;
    private final int blockTokens;

    public MemoryPass(LlamaModel model, int blockTokens) {
        this.model = model;
        this.blockTokens = blockTokens;
    }

    /** Per-layer keys and values of the read memory: k[l], v[l] (M, kvHeads, headDim), unrotated. */
    public record MemoryKv(float[][] k, float[][] v, int tokens) {
        /** Layer {@code layer}'s read-memory KV as an extra-context block, keys at {@link #READ_MASK_POSITION}. */
        public KvBlock block(int layer) {
            int[] pos = new int[tokens];
            Arrays.fill(pos, READ_MASK_POSITION);
            return new KvBlock(layer, -1, pos, k[layer], v[layer]);
        }
    }

    /** What the write tokens attend to at a layer besides themselves; every key is visible to every write token. */
    @FunctionalInterface
    public interface WriteContext {
        /** @param q (nq, heads, headDim) the write tokens' unrotated queries at this layer */
        List<KvBlock> blocksFor(int layer, float[] q, int nq);
    }

    /**
     * Runs the read tokens through every layer.
     *
     * @param memory (m, dim) their input embeddings; not modified
     */
    public MemoryKv read(float[] memory, int m) {
        ModelConfig c = model.config();
        DeviceModel device = model.device();
        float[][] k = new float[c.layers()][], v = new float[c.layers()][];
        int[] local = localPositions(m);
        float[] attn = new float[m * c.qDim()], lse = new float[m * c.heads()];
        try (Activations h = device.load(Arrays.copyOf(memory, m * c.dim()), m)) {
            for (int l = 0; l < c.layers(); l++) {
                try (Projection qkv = device.project(l, h, null, blockTokens)) {
                    k[l] = qkv.keysToHost();
                    v[l] = qkv.valuesToHost();
                    if (l == c.layers() - 1) break; // the last layer's output is not needed, only its K/V
                    device.attendOwn(qkv, local, true, attn, lse);
                }
                device.finish(l, h, attn, blockTokens);
            }
        }
        return new MemoryKv(k, v, m);
    }

    /**
     * Runs the write tokens through every layer.
     *
     * @param memory (m, dim) their input embeddings (the segment's read memory); not modified
     * @return (m, dim) their final hidden states, before the final RMSNorm
     */
    public float[] write(float[] memory, int m, WriteContext context) {
        ModelConfig c = model.config();
        DeviceModel device = model.device();
        int[] local = localPositions(m);
        float[] attn = new float[m * c.qDim()], lse = new float[m * c.heads()];
        float[] part = new float[attn.length], partLse = new float[lse.length];
        try (Activations h = device.load(Arrays.copyOf(memory, m * c.dim()), m)) {
            for (int l = 0; l < c.layers(); l++) {
                try (Projection qkv = device.project(l, h, null, blockTokens)) {
                    device.attendOwn(qkv, local, true, attn, lse);
                    for (KvBlock b : context.blocksFor(l, qkv.queriesToHost(), m)) {
                        if (b.tokens() == 0) continue;
                        device.attend(qkv, local, b.k(), b.v(), b.positions(), b.tokens(), false, part, partLse);
                        AttentionMerge.mergeInto(attn, lse, part, partLse, m * c.heads(), c.headDim());
                    }
                }
                device.finish(l, h, attn, blockTokens);
            }
            return device.download(h);
        }
    }

    private static int[] localPositions(int m) {
        int[] p = new int[m];
        for (int i = 0; i < m; i++) p[i] = i;
        return p;
    }
}
