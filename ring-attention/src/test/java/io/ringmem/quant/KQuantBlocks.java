package io.ringmem.quant;

import java.util.SplittableRandom;

/** Seeded test inputs for the K-quant formats: rows of 256-value blocks of several shapes of distribution. */
final class KQuantBlocks {
    static final BlockFormat[] FORMATS = {new Q4KFormat(), new Q5KFormat(), new Q6KFormat(), new Q8KFormat()};

    private KQuantBlocks() {
    }

    static BlockFormat format(String name) {
        for (BlockFormat f : FORMATS) {
            if (f.name().equals(name)) return f;
        }
        throw new IllegalArgumentException(name);
    }

    /**
     * {@code blocks} blocks of 256 values of random magnitude (0.1..100: much smaller blocks put the fp16 super-block
     * scale in its subnormal range, where ggml's formats lose relative precision); block kind cycles through: gaussian,
     * all positive with an offset, uniform in a skewed range, heavy-tailed with outliers, all zeros, one constant.
     */
    static float[] values(long seed, int blocks) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[blocks * 256];
        for (int b = 0; b < blocks; b++) {
            double scale = Math.pow(10, r.nextDouble(-1, 2));
            int kind = b % 6;
            for (int i = b * 256; i < (b + 1) * 256; i++) {
                double v = switch (kind) {
                    case 0 -> r.nextGaussian();
                    case 1 -> 3 + r.nextGaussian();
                    case 2 -> r.nextDouble(-0.2, 1.0);
                    case 3 -> r.nextInt(40) == 0 ? 20 * r.nextGaussian() : r.nextGaussian();
                    case 4 -> 0;
                    default -> -0.7;
                };
                x[i] = (float) (v * scale);
            }
        }
        return x;
    }
}
