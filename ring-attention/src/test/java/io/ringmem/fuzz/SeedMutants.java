package io.ringmem.fuzz;

import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Deterministic blind mutations of a fuzz target's seeds, for the default test suite: what libFuzzer's first
 * mutations do (flip bits, set bytes to boundary values, overwrite 2-, 4- and 8-byte integers with extremes, cut,
 * duplicate and splice), without coverage feedback and without a JVM of its own. The coverage-guided runs are
 * {@code -Pfuzz} (docs/security.md#fuzzing). Same seeds and count, same mutants.
 */
public final class SeedMutants {
    private static final long[] EXTREMES = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, Integer.MAX_VALUE,
        Integer.MIN_VALUE, 0xFFFFFFFFL, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 24, 1L << 31, 1L << 32, 1L << 62};

    private SeedMutants() {
    }

    /** What a fuzz target does with one input. */
    @FunctionalInterface
    public interface Target {
        void accept(byte[] input) throws Exception;
    }

    /**
     * Runs {@code target} on {@code count} mutants of the seeds a fuzz test's {@code @MethodSource} gives (each a single
     * {@code byte[]}); a failure names the mutant and its bytes in hex, to replay it.
     */
    public static void run(Stream<Arguments> seeds, int count, Target target) {
        List<byte[]> inputs = of(seeds.map(a -> (byte[]) a.get()[0]).toList(), count, 42);
        for (int i = 0; i < inputs.size(); i++) {
            try {
                target.accept(inputs.get(i));
            } catch (Throwable t) { // an OutOfMemoryError or AssertionError too: name the input
                throw new AssertionError("mutant " + i + " failed: " + t + "; input (hex) "
                        + HexFormat.of().formatHex(inputs.get(i)), t);
            }
        }
    }

    /** {@code count} mutants of {@code seeds}, from the random stream {@code seed}. */
    public static List<byte[]> of(List<byte[]> seeds, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) b = mutate(b, seeds.get(r.nextInt(seeds.size())), r);
            out.add(b);
        }
        return out;
    }

    private static byte[] mutate(byte[] b, byte[] other, SplittableRandom r) {
        if (b.length == 0) return new byte[] {(byte) r.nextInt(256)};
        int at = r.nextInt(b.length);
        switch (r.nextInt(6)) {
            case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[at] = (byte) EXTREMES[r.nextInt(EXTREMES.length)];
            case 2 -> {
                int width = new int[] {2, 4, 8}[r.nextInt(3)];
                long v = EXTREMES[r.nextInt(EXTREMES.length)];
                for (int k = 0; k < width && at + k < b.length; k++) b[at + k] = (byte) (v >>> (8 * k)); // little-endian
            }
            case 3 -> b = Arrays.copyOf(b, at); // truncate
            case 4 -> { // duplicate a run
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                byte[] c = new byte[b.length + len];
                System.arraycopy(b, 0, c, 0, at + len);
                System.arraycopy(b, at, c, at + len, b.length - at);
                b = c;
            }
            default -> { // splice: our head, the other seed's tail
                int from = other.length == 0 ? 0 : r.nextInt(other.length);
                byte[] c = Arrays.copyOf(b, at + other.length - from);
                System.arraycopy(other, from, c, at, other.length - from);
                b = c;
            }
        }
        return b;
    }
}
