package io.ringmem.kernel;

import static io.ringmem.kernel.KernelAssert.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ringmem.tensor.Matrix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    void resultsAreBitwiseIndependentOfThreadCountAndRepetition() {
        Random rnd = new Random(6);
        int n = 40, rows = 200, in = 700;
        Matrix w = Matrix.of(uniform(rnd, rows * in, -1, 1), rows, in);
        float[] x = uniform(rnd, n * in, -1, 1), x3 = uniform(rnd, 3 * in, -1, 1);
        AttentionShape sh = AttentionShape.of(4, 2, 24);
        int nq = 70, nk = 150;
        int[] qPos = IntStream.range(80, 80 + nq).toArray(), kPos = IntStream.range(0, nk).toArray();
        float[] q = uniform(rnd, nq * 4 * 24, -1, 1), k = uniform(rnd, nk * 2 * 24, -1, 1), v = uniform(rnd, nk * 2 * 24, -1, 1);
        float[][] first = null;
        try (VectorKernels one = new VectorKernels(1); VectorKernels three = new VectorKernels(3)) {
            for (int rep = 0; rep < 30; rep++) { // the early calls run before the JIT has compiled anything
                for (VectorKernels kernels : new VectorKernels[] {one, three}) {
                    float[] mm = new float[n * rows], mm3 = new float[3 * rows], att = new float[nq * 4 * 24];
                    float[] lse = new float[nq * 4], norm = new float[n * in], soft = x3.clone();
                    kernels.matmul(x, n, w, mm);
                    kernels.matmul(x3, 3, w, mm3);
                    kernels.attention(sh, q, qPos, nq, k, v, kPos, nk, true, att, lse);
                    kernels.rmsnorm(x, Arrays.copyOf(x3, in), 1e-5f, n, norm);
                    kernels.softmax(soft, 0, soft.length);
                    float[][] now = {mm, mm3, att, lse, norm, soft};
                    if (first == null) first = now;
                    for (int i = 0; i < now.length; i++) assertArrayEquals(first[i], now[i], "output " + i + " rep " + rep);
                }
            }
        }
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
