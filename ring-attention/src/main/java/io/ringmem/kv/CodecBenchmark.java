package io.ringmem.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Encode/decode throughput and compression ratio of every codec on random Gaussian KV. Throughput is fp32 input
 * bytes (k and v) per second, single-threaded, median of timed repetitions after a warm-up. Run with
 * {@code java -cp ring-attention/target/classes io.ringmem.kv.CodecBenchmark [megabytes]}.
 */
public final class CodecBenchmark {
    /** Full-precision recent window of int4/int2 in this benchmark (docs/benchmarks.md reports it). */
    static final int RESIDUAL = 32;

    /** One codec's figures. */
    public record Result(String codec, double ratio, double encodeMBps, double decodeMBps, int encodedBytes) {
    }

    private CodecBenchmark() {
    }

    /**
     * @param megabytes fp32 size of k plus v (MB = 2^20 bytes); shape (n, 8, 128) with n chosen to match
     */
    public static List<Result> run(double megabytes, long seed) {
        int kvHeads = 8, headDim = 128;
        int n = Math.max(1, (int) (megabytes * (1 << 20) / (8.0 * kvHeads * headDim)));
        int e = n * kvHeads * headDim;
        Random rnd = new Random(seed);
        float[] k = new float[e], v = new float[e];
        for (int i = 0; i < e; i++) {
            k[i] = (float) rnd.nextGaussian();
            v[i] = (float) rnd.nextGaussian();
        }
        double mb = 8.0 * e / (1 << 20);
        List<Result> out = new ArrayList<>();
        for (String name : KvCodecs.NAMES) {
            KvCodec c = KvCodecs.byName(name, RESIDUAL);
            byte[][] enc = {c.encode(k, v, n, kvHeads, headDim)};
            double encMs = medianMillis(() -> enc[0] = c.encode(k, v, n, kvHeads, headDim));
            double decMs = medianMillis(() -> KvCodecs.decode(enc[0]));
            out.add(new Result(name, c.compressionRatio(n, kvHeads, headDim), mb / (encMs / 1e3), mb / (decMs / 1e3),
                    enc[0].length));
        }
        return out;
    }

    private static double medianMillis(Runnable op) {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 5 || System.nanoTime() < warmEnd; i++) op.run();
        double[] ms = new double[15];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            op.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    public static void main(String[] args) {
        double mb = args.length > 0 ? Double.parseDouble(args[0]) : 4;
        System.out.printf(Locale.ROOT, "KV codecs on %.1f MB of fp32 k+v, shape (n, 8, 128), 1 thread%n", mb);
        System.out.printf(Locale.ROOT, "%-6s %8s %12s %14s %14s%n", "codec", "ratio", "bytes", "encode MB/s", "decode MB/s");
        for (Result r : run(mb, 42)) {
            System.out.printf(Locale.ROOT, "%-6s %8.3f %12d %14.0f %14.0f%n", r.codec(), r.ratio(), r.encodedBytes(),
                    r.encodeMBps(), r.decodeMBps());
        }
    }
}
