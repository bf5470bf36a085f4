package io.ringmem.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ringmem.backend.Activations;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.kernel.RopeTable;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-sequence work arrays of the CPU seam ({@link CpuScratch}): reusing them across layers gives bitwise the
 * results of fresh arrays, queries go back for reuse only when no caller took them to the host, and a query array
 * a caller holds is never overwritten by a later layer.
 */
class CpuScratchTest {
    private static final ModelConfig CONFIG = new ModelConfig(64, 160, 2, 8, 2, 8, 40, 1024, 1e-5f, 10000.0,
            RopeLayout.ROTATE_HALF, null);
    private static final int N = 37, BLOCK = 16;

    private static Backend vector;
    private static DeviceModel model;
    private static float[] hidden; // (N, dim)
    private static RotaryAngles angles;

    @BeforeAll
    static void upload() {
        Random rnd = new Random(5);
        vector = Backends.discover().create("vector", new BackendSettings(2));
        model = vector.upload(CONFIG, CpuSeamTest.randomWeights(CONFIG, rnd));
        hidden = new float[N * CONFIG.dim()];
        for (int i = 0; i < hidden.length; i++) hidden[i] = rnd.nextFloat() * 2 - 1;
        angles = new RopeTable(CONFIG).angles(IntStream.range(0, N).toArray(), N);
    }

    @AfterAll
    static void close() {
        model.close();
        vector.close();
    }

    @Test
    void reusedArraysGiveTheResultsOfFreshOnes() {
        float[] reusedH = hidden.clone(), freshH = hidden.clone();
        float[] attn = new float[N * CONFIG.qDim()];
        for (int i = 0; i < attn.length; i++) attn[i] = (float) Math.sin(i);
        try (Activations reused = model.load(reusedH, N)) {
            for (int l = 0; l < CONFIG.layers(); l++) {
                float[] expectedQ;
                try (Activations fresh = model.load(freshH.clone(), N); Projection p = model.project(l, fresh, angles, BLOCK)) {
                    expectedQ = p.queriesToHost().clone();
                }
                try (Projection p = model.project(l, reused, angles, BLOCK)) {
                    assertArrayEquals(expectedQ, ((CpuProjection) p).queries(), "layer " + l + " queries");
                }
                try (Activations fresh = model.load(freshH, N)) {
                    model.finish(l, fresh, attn, BLOCK);
                }
                model.finish(l, reused, attn, BLOCK);
                assertArrayEquals(freshH, reusedH, "layer " + l + " hidden states after finish");
            }
        }
    }

    @Test
    void queriesAreReusedOnlyWhenNoCallerTookThem() {
        try (Activations h = model.load(hidden.clone(), N)) {
            float[] first;
            try (Projection p = model.project(0, h, angles, BLOCK)) {
                first = ((CpuProjection) p).queries();
            }
            float[] taken;
            try (Projection p = model.project(1, h, angles, BLOCK)) {
                assertSame(first, ((CpuProjection) p).queries(), "an untaken query array is reused by the next layer");
                taken = p.queriesToHost();
            }
            float[] kept = taken.clone();
            try (Projection p = model.project(0, h, angles, BLOCK)) {
                assertNotSame(taken, ((CpuProjection) p).queries(), "a query array a caller took is never reused");
            }
            assertArrayEquals(kept, taken, "the caller's queries stay as they were");
        }
    }
}
