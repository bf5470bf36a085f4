package io.ringmem.forward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The rows of a rank's shard whose outputs a pass needs after its last layer (the positions whose logits go to the
 * sink), and the extra context asked for those rows only.
 *
 * <p>Why: only the scored positions go through the output head, so in the last layer the carried context (retrieval
 * above all) need only be computed for them, as Hugging Face's {@code logits_to_keep} does. Earlier layers still run
 * for every token (their keys and values feed later layers); the last layer's keys and values are computed for every
 * token too (they are cached and stored). Used only when the extra context says each query's parts are its own
 * ({@link ExtraContext#rowsIndependent}) and no pooled hidden state is asked for; then the scored rows get the same
 * carried context as in the unpruned pass (their logits agree to float rounding, LastLayerPruningTest). Not
 * guaranteed: anything about the other rows' last-layer output (their
 * retrieved context is left out; nothing reads it).
 */
final class ScoredRows {
    private final int[] rows; // (m) indices into the shard, ascending
    private final int n;

    private ScoredRows(int[] rows, int n) {
        this.rows = rows;
        this.n = n;
    }

    /** The rows of {@code pos} (n ascending global positions) that {@code wanted} accepts. */
    static ScoredRows of(int[] pos, int n, IntPredicate wanted) {
        int[] r = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) if (wanted.test(pos[i])) r[m++] = i;
        return new ScoredRows(Arrays.copyOf(r, m), n);
    }

    /** Whether some rows are not scored (pruning saves something). */
    boolean prunes() {
        return rows.length < n;
    }

    /**
     * The extra context's parts for the scored rows only, each mask widened to the shard's n rows ({@link
     * ExtraContext#HIDDEN} for unscored rows); a part for every row (null mask) stays one.
     *
     * @param q   (n, heads, headDim) the shard's queries
     * @param pos (n) their global positions
     */
    List<ExtraContext.Part> partsFor(ExtraContext extra, int rank, int layer, float[] q, int[] pos, int qWidth) {
        int m = rows.length;
        float[] sq = new float[m * qWidth]; // (m, heads, headDim)
        int[] sp = new int[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(q, rows[i] * qWidth, sq, i * qWidth, qWidth);
            sp[i] = pos[rows[i]];
        }
        List<ExtraContext.Part> parts = extra.partsFor(rank, layer, sq, sp, m);
        List<ExtraContext.Part> out = new ArrayList<>(parts.size());
        for (ExtraContext.Part p : parts) {
            if (p.maskPositions() == null) {
                out.add(p);
                continue;
            }
            int[] mask = new int[n];
            Arrays.fill(mask, ExtraContext.HIDDEN);
            for (int i = 0; i < m; i++) mask[rows[i]] = p.maskPositions()[i];
            out.add(new ExtraContext.Part(p.block(), mask));
        }
        return out;
    }
}
