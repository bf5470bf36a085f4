package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.bench.CodecBenchmark;
import io.ringmem.bench.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ringmem bench codec}: {@link CodecBenchmark}, KV codec compression and encode/decode throughput. */
@Command(name = "codec", mixinStandardHelpOptions = true,
        description = "KV codecs (none, int8, int4, int2) on random Gaussian k+v: compression ratio, encode/decode MB/s, one thread.")
final class BenchCodecCommand implements Runnable {
    @Option(names = "--megabytes", defaultValue = "4", paramLabel = "MB",
            description = "fp32 size of k plus v in MiB, shape (n, 8, 128) (default: ${DEFAULT-VALUE})")
    double megabytes;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "seed of the random KV (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--warmup-seconds", defaultValue = "1.0", paramLabel = "S",
            description = "warm-up time per measurement, at least 5 calls (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--samples", defaultValue = "15", paramLabel = "N",
            description = "timed calls per measurement, median reported (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (!(megabytes > 0)) throw new RingmemException("--megabytes must be positive, got " + megabytes);
        CodecBenchmark.Options o = new CodecBenchmark.Options(megabytes, seed,
                BenchArgs.atLeast(warmupSeconds, 0, "--warmup-seconds"), BenchArgs.atLeast(samples, 1, "--samples"));
        List<CodecBenchmark.Result> results = CodecBenchmark.run(o);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            new BenchReport("codec", Machine.detect(), Map.of("options", o), "codec none (a raw copy) in the same run", results)
                    .print(out);
            return;
        }
        out.printf(Locale.ROOT, "KV codecs on %.1f MB of fp32 k+v, shape (n, %d, %d), 1 thread%n", megabytes,
                CodecBenchmark.KV_HEADS, CodecBenchmark.HEAD_DIM);
        out.printf(Locale.ROOT, "%-6s %8s %12s %14s %14s %10s %10s%n", "codec", "ratio", "bytes", "encode MB/s", "decode MB/s",
                "enc/none", "dec/none");
        for (CodecBenchmark.Result r : results) {
            out.printf(Locale.ROOT, "%-6s %8.3f %12d %14.0f %14.0f %10.2f %10.2f%n", r.codec(), r.ratio(), r.encodedBytes(),
                    r.encodeMBps(), r.decodeMBps(), r.encodeVsFirst(), r.decodeVsFirst());
        }
        out.flush();
    }
}
