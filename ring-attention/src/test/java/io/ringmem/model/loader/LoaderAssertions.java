package io.ringmem.model.loader;

import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelWeights;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared checks for loader tests. */
final class LoaderAssertions {
    private LoaderAssertions() {
    }

    /** Compares every tensor of two models bit for bit. */
    static void assertSameWeights(ModelWeights a, ModelWeights b) {
        assertArrayEquals(a.embedding().toArray(), b.embedding().toArray(), "embedding");
        assertArrayEquals(a.output().toArray(), b.output().toArray(), "output");
        assertArrayEquals(a.finalNorm(), b.finalNorm(), "final norm");
        assertEquals(a.layers().size(), b.layers().size());
        for (int i = 0; i < a.layers().size(); i++) {
            LayerWeights x = a.layers().get(i);
            LayerWeights y = b.layers().get(i);
            String p = "layer " + i + " ";
            assertArrayEquals(x.attnNorm(), y.attnNorm(), p + "attnNorm");
            assertArrayEquals(x.ffnNorm(), y.ffnNorm(), p + "ffnNorm");
            assertArrayEquals(x.wq().toArray(), y.wq().toArray(), p + "wq");
            assertArrayEquals(x.wk().toArray(), y.wk().toArray(), p + "wk");
            assertArrayEquals(x.wv().toArray(), y.wv().toArray(), p + "wv");
            assertArrayEquals(x.wo().toArray(), y.wo().toArray(), p + "wo");
            assertArrayEquals(x.w1().toArray(), y.w1().toArray(), p + "w1");
            assertArrayEquals(x.w2().toArray(), y.w2().toArray(), p + "w2");
            assertArrayEquals(x.w3().toArray(), y.w3().toArray(), p + "w3");
        }
    }

    /** Every matrix of {@code w}: embedding, output, then per layer wq, wk, wv, wo, w1, w2, w3. */
    static List<Matrix> matrices(ModelWeights w) {
        List<Matrix> out = new ArrayList<>();
        out.add(w.embedding());
        out.add(w.output());
        for (LayerWeights l : w.layers()) {
            out.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2(), l.w3()));
        }
        return out;
    }

    static void assertMapped(ModelWeights w) {
        for (Matrix m : matrices(w)) {
            MemorySegment s = m.data();
            assertTrue(s.isMapped(), "matrix segment should be a slice of the mapped file");
            assertTrue(s.isNative() && s.heapBase().isEmpty(), "matrix segment should be off-heap");
        }
    }

    static void assertOffHeap(ModelWeights w) {
        for (Matrix m : matrices(w)) {
            assertTrue(m.data().isNative() && m.data().heapBase().isEmpty(), "matrix segment should be off-heap");
        }
    }
}
