package io.ringmem.forward;

import io.ringmem.backend.TokenStep;
import io.ringmem.kernel.AttentionMerge;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;

import java.util.List;

/**
 * Token-by-token decoding over a KV cache sharded across ranks (the caches a prefill left behind). Each step
 * passes the new token's query to every shard, not the KV to the query (Tree/Lean attention style): every shard
 * returns a partial (out, lse) and the partials are merged exactly. The new token's KV is appended to the
 * shard holding the fewest tokens, so shards stay balanced. The layers run on the backend's {@link TokenStep};
 * the shards are host arrays, so each step sends them to the backend's attention and brings the new token's k, v
 * back.
 *
 * <p>Memory: every per-token buffer (hidden state, projections, attention partials, logits, rotary angles) is
 * allocated once, here; a step on the CPU backends allocates nothing that grows with the context or the step
 * count (the KV shards grow in chunks, see {@link KvCache}; {@link #reserve} makes room up front). The array
 * {@link #step} returns is the decoder's own: valid until the next step.
 *
 * <p>Not thread-safe: one step at a time.
 */
public final class Decoder implements AutoCloseable {
    private final LlamaModel model;
    private final List<KvCache> shards;
    private final TokenStep step;
    private final int[] pos = new int[1];
    private final RotaryAngles angles;
    private final float[] row;     // (dim) embedding row
    private final float[] attn;    // (heads, headDim) merged attention output
    private final float[] part;    // (heads, headDim) one shard's partial
    private final float[] lse;     // (heads)
    private final float[] partLse; // (heads)
    private final float[] logits;  // (vocab)
    private DecodeTimer timer;

    public Decoder(LlamaModel model, List<KvCache> shards) {
        if (shards.isEmpty()) throw new IllegalArgumentException("at least one KV shard is needed");
        ModelConfig c = model.config();
        this.model = model;
        this.shards = List.copyOf(shards);
        this.step = model.device().tokenStep();
        this.angles = model.rope().oneToken();
        this.row = new float[c.dim()];
        this.attn = new float[c.qDim()];
        this.part = new float[c.qDim()];
        this.lse = new float[c.heads()];
        this.partLse = new float[c.heads()];
        this.logits = new float[c.vocabSize()];
    }

    /** Total tokens in the cache. */
    public int length() {
        int n = 0;
        for (KvCache s : shards) n += s.size();
        return n;
    }

    /**
     * Makes room in the shards for {@code tokens} more steps, so those steps never grow the cache: each shard gets
     * rows up to the balanced share of the final length (the smallest shard is always the one appended to).
     */
    public void reserve(int tokens) {
        if (tokens < 0) throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        long total = (long) length() + tokens;
        int share = (int) Math.min(Integer.MAX_VALUE - 1, (total + shards.size() - 1) / shards.size());
        for (KvCache s : shards) s.reserve(Math.max(0, share + 1 - s.size()));
    }

    /** Sums this decoder's step times into {@code timer} from now on (null: stop timing). Off by default. */
    public void timeWith(DecodeTimer timer) {
        this.timer = timer;
    }

    /**
     * Runs token {@code id} at {@code position}, appends its KV, and returns its logits.
     *
     * @return (vocab) the decoder's own buffer, overwritten by the next step
     */
    public float[] step(int id, int position) {
        DecodeTimer t = timer;
        long t0 = t == null ? 0 : System.nanoTime(), matmul = 0, attention = 0;
        ModelConfig c = model.config();
        Embedding.checkId(model.weights().embedding(), id);
        model.weights().embedding().copyRow(id, row, 0);
        pos[0] = position;
        model.rope().fill(angles, position);
        KvCache owner = smallestShard();
        int index = owner.addToken(position);
        step.load(row);
        for (int l = 0; l < c.layers(); l++) {
            long a = t == null ? 0 : System.nanoTime();
            step.project(l, angles);
            long b = t == null ? 0 : System.nanoTime();
            owner.write(l, index, step.keys(), step.values());
            boolean first = true;
            for (KvCache s : shards) {
                if (s.size() == 0) continue;
                step.attend(pos, s.keys(l), s.values(l), s.positions(), s.size(), true,
                        first ? attn : part, first ? lse : partLse);
                if (!first) AttentionMerge.mergeInto(attn, lse, part, partLse, c.heads(), c.headDim());
                first = false;
            }
            long d = t == null ? 0 : System.nanoTime();
            step.finish(l, attn);
            if (t != null) {
                long e = System.nanoTime();
                matmul += (b - a) + (e - d);
                attention += d - b;
            }
        }
        long h = t == null ? 0 : System.nanoTime();
        step.logits(logits);
        if (t != null) {
            long end = System.nanoTime();
            t.add(end - t0, matmul + (end - h), attention);
        }
        return logits;
    }

    /** Releases the backend's step buffers; the shards stay with their owner. */
    @Override
    public void close() {
        step.close();
    }

    private KvCache smallestShard() {
        KvCache best = shards.getFirst();
        for (KvCache s : shards) if (s.size() < best.size()) best = s;
        return best;
    }
}
