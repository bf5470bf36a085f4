package io.ringmem.forward;

import io.ringmem.backend.Activations;
import io.ringmem.backend.DeviceModel;
import io.ringmem.model.ModelConfig;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Logits for the positions a caller asks for, computed by the backend in token blocks and handed to a sink. */
final class LogitsHead {
    private final ModelConfig c;
    private final DeviceModel device;
    private final int blockTokens;

    LogitsHead(ModelConfig config, DeviceModel device, int blockTokens) {
        this.c = config;
        this.device = device;
        this.blockTokens = blockTokens;
    }

    /**
     * @param h         (n, dim) final hidden states
     * @param positions (n) their global positions
     * @param wanted    which positions need logits
     */
    void emit(Activations h, int[] positions, int n, IntPredicate wanted, LogitsSink sink) {
        int vocab = c.vocabSize();
        int[] pick = new int[n];
        int count = 0;
        for (int t = 0; t < n; t++) if (wanted.test(positions[t])) pick[count++] = t;
        if (count == 0) return;
        int b = Math.min(blockTokens, count);
        float[] logits = new float[b * vocab]; // (b, vocab)
        for (int i0 = 0; i0 < count; i0 += b) {
            int m = Math.min(b, count - i0);
            device.logits(h, Arrays.copyOfRange(pick, i0, i0 + m), m, logits);
            for (int i = 0; i < m; i++) sink.accept(positions[pick[i0 + i]], logits, i * vocab);
        }
    }

    /** (dim) sum over the rows of {@code h} of the final-RMSNorm output (what the output projection sees). */
    float[] normedSum(Activations h) {
        return device.normedSum(h, blockTokens);
    }
}
