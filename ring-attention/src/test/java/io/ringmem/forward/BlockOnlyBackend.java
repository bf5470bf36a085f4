package io.ringmem.forward;

import io.ringmem.backend.Activations;
import io.ringmem.backend.Backend;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.Projection;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

/**
 * A backend whose models delegate every block-level call but not {@link DeviceModel#tokenStep}, so decoding runs
 * through the default token step over the block calls: the way the decoder worked before token steps.
 */
final class BlockOnlyBackend implements Backend {
    private final Backend inner;

    BlockOnlyBackend(Backend inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name() + "-blocks";
    }

    @Override
    public Kernels kernels() {
        return inner.kernels();
    }

    @Override
    public DeviceModel upload(ModelConfig config, ModelWeights weights) {
        DeviceModel d = inner.upload(config, weights);
        return new DeviceModel() {
            @Override
            public ModelConfig config() {
                return d.config();
            }

            @Override
            public Activations load(float[] rows, int n) {
                return d.load(rows, n);
            }

            @Override
            public Projection project(int layer, Activations h, RotaryAngles angles, int blockTokens) {
                return d.project(layer, h, angles, blockTokens);
            }

            @Override
            public void attendOwn(Projection qkv, int[] pos, boolean causal, float[] out, float[] lse) {
                d.attendOwn(qkv, pos, causal, out, lse);
            }

            @Override
            public void attend(Projection qkv, int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal,
                               float[] out, float[] lse) {
                d.attend(qkv, qPos, k, v, kPos, nk, causal, out, lse);
            }

            @Override
            public void finish(int layer, Activations h, float[] attn, int blockTokens) {
                d.finish(layer, h, attn, blockTokens);
            }

            @Override
            public void logits(Activations h, int[] rows, int count, float[] out) {
                d.logits(h, rows, count, out);
            }

            @Override
            public float[] normedSum(Activations h, int blockTokens) {
                return d.normedSum(h, blockTokens);
            }

            @Override
            public float[] download(Activations h) {
                return d.download(h);
            }

            @Override
            public void close() {
                d.close();
            }
        };
    }

    @Override
    public void close() {
        inner.close();
    }
}
