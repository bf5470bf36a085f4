package io.ringmem.kernel;

import static io.ringmem.kernel.KernelAssert.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ringmem.tensor.Matrix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Several callers (like ring ranks) sharing one instance: no deadlock, same results as a lone caller. */
class VectorKernelsConcurrencyTest {

    @Test
    void fourThreadsCallingOneInstanceGetTheLoneCallerResults() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Random rnd = new Random(5);
            int n = 48, rows = 384, in = 320;
            Matrix w = Matrix.of(uniform(rnd, rows * in, -1, 1), rows, in);
            AttentionShape sh = AttentionShape.of(8, 2, 32);
            int nq = 96, nk = 160;
            int[] qPos = IntStream.range(64, 64 + nq).toArray(), kPos = IntStream.range(0, nk).toArray();
            float[] q = uniform(rnd, nq * 8 * 32, -1, 1), k = uniform(rnd, nk * 2 * 32, -1, 1);
            float[] v = uniform(rnd, nk * 2 * 32, -1, 1);
            float[][] xs = new float[4][];
            for (int t = 0; t < 4; t++) xs[t] = uniform(rnd, n * in, -1, 1);

            try (VectorKernels kernels = new VectorKernels(2)) {
                float[][] mmRef = new float[4][n * rows];
                for (int t = 0; t < 4; t++) kernels.matmul(xs[t], n, w, mmRef[t]);
                float[] attRef = new float[nq * 8 * 32], lseRef = new float[nq * 8];
                kernels.attention(sh, q, qPos, nq, k, v, kPos, nk, true, attRef, lseRef);

                CyclicBarrier start = new CyclicBarrier(4);
                ExecutorService callers = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Void>> futures = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        int me = t;
                        Callable<Void> rank = () -> {
                            start.await();
                            float[] out = new float[n * rows], att = new float[attRef.length], lse = new float[lseRef.length];
                            for (int it = 0; it < 25; it++) {
                                kernels.matmul(xs[me], n, w, out);
                                assertArrayEquals(mmRef[me], out, "matmul of caller " + me);
                                kernels.attention(sh, q, qPos, nq, k, v, kPos, nk, true, att, lse);
                                assertArrayEquals(attRef, att, "attention of caller " + me);
                                assertArrayEquals(lseRef, lse, "lse of caller " + me);
                            }
                            return null;
                        };
                        futures.add(callers.submit(rank));
                    }
                    for (Future<Void> f : futures) f.get();
                } finally {
                    callers.shutdownNow();
                }
            }
        });
    }

    @Test
    void nestedCallsFromInsideATaskDoNotDeadlock() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (WorkerPool pool = new WorkerPool(2)) {
                int[] sums = new int[8];
                pool.forEach(8, outer -> pool.forEach(100, inner -> {
                    synchronized (sums) {
                        sums[outer] += inner;
                    }
                }));
                for (int s : sums) assertEquals(4950, s);
            }
        });
    }

    @Test
    void taskFailuresReachTheCaller() {
        try (WorkerPool pool = new WorkerPool(3)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forEach(50, t -> {
                if (t == 17) throw new IllegalStateException("task 17");
            }));
            assertEquals("task 17", e.getMessage());
            int[] hits = new int[1000];
            pool.forEach(1000, t -> hits[t]++); // still usable afterwards
            for (int h : hits) assertEquals(1, h);
        }
    }

    @Test
    void closedInstanceRefusesParallelWork() {
        VectorKernels kernels = new VectorKernels(2);
        kernels.close();
        float[] x = new float[64 * 512];
        Matrix w = Matrix.of(new float[512 * 512], 512, 512);
        assertThrows(IllegalStateException.class, () -> kernels.matmul(x, 64, w, new float[64 * 512]));
    }
}
