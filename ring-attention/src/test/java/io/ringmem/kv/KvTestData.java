package io.ringmem.kv;

import java.util.Random;

/** Seeded random KV for the codec tests: Gaussian with a per-channel offset and scale, like real keys. */
final class KvTestData {
    private KvTestData() {
    }

    static float[] gaussian(Random rnd, int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** (n, width) with channel c drawn from N(offset_c, scale_c²). */
    static float[] channelSkewed(Random rnd, int n, int width) {
        float[] offset = new float[width], scale = new float[width];
        for (int c = 0; c < width; c++) {
            offset[c] = (float) (rnd.nextGaussian() * 2);
            scale[c] = (float) Math.exp(rnd.nextGaussian());
        }
        float[] x = new float[n * width];
        for (int t = 0; t < n; t++) {
            for (int c = 0; c < width; c++) x[t * width + c] = offset[c] + scale[c] * (float) rnd.nextGaussian();
        }
        return x;
    }

    /** ‖a − b‖₂ / ‖b‖₂ in double. */
    static double relativeError(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
