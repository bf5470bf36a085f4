package io.ringmem.forward;

import io.ringmem.backend.Activations;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;

import java.util.List;

/**
 * Token-by-token decoding over a KV cache sharded across ranks (the caches a prefill left behind). Each step
 * passes the new token's query to every shard, not the KV to the query (Tree/Lean attention style): every shard
 * returns a partial (out, lse) and the partials are merged exactly. The new token's KV is appended to the
 * shard holding the fewest tokens, so shards stay balanced. The layers run on the model's backend; the shards are
 * host arrays, so each step sends them to the backend's attention and brings the new token's k, v back.
 *
 * <p>Not thread-safe: one step at a time.
 */
public final class Decoder {
    private final LlamaModel model;
    private final List<KvCache> shards;
    private final LogitsHead head;

    public Decoder(LlamaModel model, List<KvCache> shards) {
        if (shards.isEmpty()) throw new IllegalArgumentException("at least one KV shard is needed");
        this.model = model;
        this.shards = List.copyOf(shards);
        this.head = model.head(1);
    }

    /** Total tokens in the cache. */
    public int length() {
        int n = 0;
        for (KvCache s : shards) n += s.size();
        return n;
    }

    /** Runs token {@code id} at {@code position}, appends its KV, and returns its (vocab) logits. */
    public float[] step(int id, int position) {
        ModelConfig c = model.config();
        DeviceModel device = model.device();
        int[] pos = {position};
        RotaryAngles angles = model.rope().angles(pos, 1);
        KvCache owner = smallestShard();
        int row = owner.addToken(position);
        float[] attn = new float[c.qDim()], part = new float[c.qDim()];
        float[] lse = new float[c.heads()], partLse = new float[c.heads()];
        float[] logits = new float[c.vocabSize()];
        try (Activations h = device.load(Embedding.lookup(model.weights().embedding(), new int[]{id}), 1)) { // (1, dim)
            for (int l = 0; l < c.layers(); l++) {
                try (Projection qkv = device.project(l, h, angles, 1)) {
                    owner.write(l, row, qkv.keysToHost(), qkv.valuesToHost());
                    boolean first = true;
                    for (KvCache s : shards) {
                        if (s.size() == 0) continue;
                        device.attend(qkv, pos, s.keys(l), s.values(l), s.positions(), s.size(), true,
                                first ? attn : part, first ? lse : partLse);
                        if (!first) AttentionMerge.mergeInto(attn, lse, part, partLse, c.heads(), c.headDim());
                        first = false;
                    }
                }
                device.finish(l, h, attn, 1);
            }
            head.emit(h, pos, 1, p -> true, (p, row2, off) -> System.arraycopy(row2, off, logits, 0, logits.length));
        }
        return logits;
    }

    private KvCache smallestShard() {
        KvCache best = shards.getFirst();
        for (KvCache s : shards) if (s.size() < best.size()) best = s;
        return best;
    }
}
