package io.ringmem.bench;

import io.ringmem.kv.KvCodec;
import io.ringmem.kv.KvCodecs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Encode/decode throughput and compression ratio of every codec on random Gaussian KV. Throughput is fp32 input
 * bytes (k and v) per second, single-threaded, median of timed repetitions after a warm-up; the first codec
 * ({@code none}, a plain copy) is the baseline of the ratios. Run with {@code bin/ringmem bench codec}.
 */
public final class CodecBenchmark {
    /** Full-precision recent window of int4/int2 in this benchmark (docs/benchmarks.md reports it). */
    static final int RESIDUAL = 32;

    /** KV heads and head dimension of the benchmark's shape (n, 8, 128). */
    public static final int KV_HEADS = 8, HEAD_DIM = 128;

    /**
     * @param megabytes     fp32 size of k plus v (MB = 2^20 bytes); shape (n, 8, 128) with n chosen to match
     * @param seed          seed of the random KV
     * @param warmupSeconds untimed calls per measurement (at least 5 calls)
     * @param samples       timed calls per measurement; the median is reported
     */
    public record Options(double megabytes, long seed, double warmupSeconds, int samples) {
        public Options {
            if (!(megabytes > 0) || warmupSeconds < 0 || samples < 1) {
                throw new IllegalArgumentException("megabytes > 0, warmupSeconds >= 0, samples >= 1");
            }
        }

        public static Options defaults() {
            return new Options(4, 42, 1.0, 15);
        }
    }

    /**
     * One codec's figures; MB/s counts fp32 input bytes (MB = 2^20 bytes).
     *
     * @param ratio          compression ratio against fp32
     * @param encodeVsFirst  encode MB/s over the first codec's (none) in the same run
     * @param decodeVsFirst  decode MB/s over the first codec's (none) in the same run
     */
    public record Result(String codec, double ratio, double encodeMBps, double decodeMBps, int encodedBytes,
                         double encodeVsFirst, double decodeVsFirst) {
    }

    private CodecBenchmark() {
    }

    /** Runs every codec of {@link KvCodecs#NAMES} in order; the first result is the baseline. */
    public static List<Result> run(Options o) {
        int n = Math.max(1, (int) (o.megabytes() * (1 << 20) / (8.0 * KV_HEADS * HEAD_DIM)));
        int e = n * KV_HEADS * HEAD_DIM;
        Random rnd = new Random(o.seed());
        float[] k = new float[e], v = new float[e];
        for (int i = 0; i < e; i++) {
            k[i] = (float) rnd.nextGaussian();
            v[i] = (float) rnd.nextGaussian();
        }
        double mb = 8.0 * e / (1 << 20);
        List<Result> out = new ArrayList<>();
        for (String name : KvCodecs.NAMES) {
            KvCodec c = KvCodecs.byName(name, RESIDUAL);
            byte[][] enc = {c.encode(k, v, n, KV_HEADS, HEAD_DIM)};
            double encMs = medianMillis(o, () -> enc[0] = c.encode(k, v, n, KV_HEADS, HEAD_DIM));
            double decMs = medianMillis(o, () -> KvCodecs.decode(enc[0]));
            double encMBps = mb / (encMs / 1e3), decMBps = mb / (decMs / 1e3);
            Result first = out.isEmpty() ? null : out.getFirst();
            out.add(new Result(name, c.compressionRatio(n, KV_HEADS, HEAD_DIM), encMBps, decMBps, enc[0].length,
                    first == null ? 1 : encMBps / first.encodeMBps(), first == null ? 1 : decMBps / first.decodeMBps()));
        }
        return out;
    }

    private static double medianMillis(Options o, Runnable op) {
        long warmEnd = System.nanoTime() + (long) (o.warmupSeconds() * 1e9);
        for (int i = 0; i < 5 || System.nanoTime() < warmEnd; i++) op.run();
        double[] ms = new double[o.samples()];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            op.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
