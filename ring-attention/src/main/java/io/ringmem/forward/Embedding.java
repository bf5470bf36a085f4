package io.ringmem.forward;

import io.ringmem.RingmemException;
import io.ringmem.tensor.Matrix;

/** Token embedding lookup with a range check that names the offending id. */
final class Embedding {
    private Embedding() {
    }

    /** Returns (n, dim) rows of {@code table} for {@code ids}. */
    static float[] lookup(Matrix table, int[] ids) {
        int dim = table.cols();
        float[] h = new float[ids.length * dim];
        for (int t = 0; t < ids.length; t++) {
            checkId(table, ids[t]);
            table.copyRow(ids[t], h, t * dim);
        }
        return h;
    }

    static void checkId(Matrix table, int id) {
        if (id < 0 || id >= table.rows()) {
            throw new RingmemException("token id " + id + " is out of range: the vocabulary has ids 0.." + (table.rows() - 1));
        }
    }
}
