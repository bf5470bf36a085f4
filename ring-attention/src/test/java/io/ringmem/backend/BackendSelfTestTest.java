package io.ringmem.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import org.junit.jupiter.api.Test;

/**
 * The start-up self-test: the vector backend passes against the scalar one within fp32 rounding; a backend that
 * is wrong by a little more than the tolerance, or that throws, fails with a reason.
 */
class BackendSelfTestTest {

    @Test
    void vectorPassesAgainstScalar() {
        Backends r = Backends.discover();
        try (Backend vector = r.create("vector", new BackendSettings(2)); Backend scalar = r.create("scalar", new BackendSettings(1))) {
            BackendSelfTest.Result res = BackendSelfTest.run(vector, scalar, 1e-4);
            assertTrue(res.passed(), res.detail());
            assertTrue(res.maxError() < 1e-5, res.detail());
        }
    }

    @Test
    void aSlightlyWrongBackendFails() {
        Backends r = Backends.discover();
        try (Backend scalar = r.create("scalar", new BackendSettings(1)); Backend ref = r.create("scalar", new BackendSettings(1))) {
            Backend skewed = new Skewed(scalar, 1e-2f);
            BackendSelfTest.Result res = BackendSelfTest.run(skewed, ref, 1e-3);
            assertFalse(res.passed(), res.detail());
            assertTrue(res.maxError() >= 1e-2 && res.maxError() < 1, res.detail()); // the skew itself, amplified a little
            assertTrue(res.detail().contains("worst at"), res.detail());
        }
    }

    @Test
    void aThrowingBackendFailsWithTheReason() {
        Backends r = Backends.discover();
        try (Backend ref = r.create("scalar", new BackendSettings(1))) {
            Backend broken = new Skewed(ref, Float.NaN);
            BackendSelfTest.Result res = BackendSelfTest.run(broken, ref, 1e-3);
            assertFalse(res.passed());
            assertTrue(Double.isNaN(res.maxError()) || res.maxError() > 1, res.detail());
            assertThrows(IllegalArgumentException.class, () -> BackendSelfTest.run(ref, ref, 0));
        }
    }

    @Test
    void identicalBackendsAgreeExactly() {
        Backends r = Backends.discover();
        try (Backend a = r.create("scalar", new BackendSettings(1)); Backend b = r.create("scalar", new BackendSettings(1))) {
            assertEquals(0.0, BackendSelfTest.run(a, b, 1e-9).maxError());
        }
    }

    /** Adds {@code delta} to every attention output of the inner backend (NaN: poisons them). */
    private record Skewed(Backend inner, float delta) implements Backend {
        @Override
        public String name() {
            return "skewed";
        }

        @Override
        public Kernels kernels() {
            return inner.kernels();
        }

        @Override
        public DeviceModel upload(ModelConfig config, ModelWeights weights) {
            DeviceModel m = inner.upload(config, weights);
            return new DeviceModel() {
                @Override
                public ModelConfig config() {
                    return m.config();
                }

                @Override
                public Activations load(float[] rows, int n) {
                    return m.load(rows, n);
                }

                @Override
                public Projection project(int layer, Activations h, RotaryAngles angles, int blockTokens) {
                    return m.project(layer, h, angles, blockTokens);
                }

                @Override
                public void attendOwn(Projection qkv, int[] pos, boolean causal, float[] out, float[] lse) {
                    m.attendOwn(qkv, pos, causal, out, lse);
                    for (int i = 0; i < out.length; i++) out[i] += delta;
                }

                @Override
                public void attend(Projection qkv, int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal,
                                   float[] out, float[] lse) {
                    m.attend(qkv, qPos, k, v, kPos, nk, causal, out, lse);
                }

                @Override
                public void finish(int layer, Activations h, float[] attn, int blockTokens) {
                    m.finish(layer, h, attn, blockTokens);
                }

                @Override
                public void logits(Activations h, int[] rows, int count, float[] out) {
                    m.logits(h, rows, count, out);
                }

                @Override
                public float[] normedSum(Activations h, int blockTokens) {
                    return m.normedSum(h, blockTokens);
                }

                @Override
                public float[] download(Activations h) {
                    return m.download(h);
                }

                @Override
                public void close() {
                    m.close();
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
