package io.ringmem.bench.peers;

import io.ringmem.forward.Decoder;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.PrefillResult;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ringmem's side of one peer-comparison workload, the same work the llama.cpp and Jlama harnesses of
 * {@code scripts/bench-peers.sh} time: a causal prefill of {@code tokens} seeded random ids, or {@code decode}
 * greedy tokens after a prefill of {@code tokens} (the decode steps alone timed). A 64-token warm-up prefill runs
 * first (not timed), so the JIT has compiled the kernels. One run per call: the script alternates processes.
 */
public final class PeerWorkload {
    /** Ids are drawn above the specials and byte tokens of {@link SpmVocab}. */
    static final int FIRST_ID = SpmVocab.FIRST_PIECE;
    static final int WARMUP_TOKENS = 64;

    private PeerWorkload() {
    }

    /** Seconds of the timed part of the workload; {@code decode} 0 means a prefill. */
    public static double run(LlamaModel model, RunConfig run, int tokens, int decode) {
        if (tokens < 1 || decode < 0 || decode > 0 && tokens < 2) {
            throw new IllegalArgumentException("tokens >= 1 (>= 2 with decode) and decode >= 0, got " + tokens + ", " + decode);
        }
        int vocab = model.config().vocabSize();
        int lo = vocab > FIRST_ID + 1 ? FIRST_ID : 0;
        int[] ids = new SplittableRandom(tokens).ints(tokens, lo, vocab).toArray();
        SequenceParallelPrefill prefill = new SequenceParallelPrefill(model, run);
        prefill.run(Arrays.copyOf(ids, Math.min(WARMUP_TOKENS, tokens)), p -> false, (p, l, o) -> { });
        if (decode == 0) {
            long t0 = System.nanoTime();
            prefill.run(ids, p -> false, (p, l, o) -> { });
            return (System.nanoTime() - t0) / 1e9;
        }
        PrefillResult head = prefill.run(Arrays.copyOf(ids, tokens - 1), p -> false, (p, l, o) -> { });
        Decoder decoder = new Decoder(model, head.caches());
        int next = ids[tokens - 1];
        long t0 = System.nanoTime();
        for (int i = 0; i < decode; i++) next = argmax(decoder.step(next, tokens - 1 + i));
        return (System.nanoTime() - t0) / 1e9;
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** This process's peak resident set (VmHWM) in bytes, or -1 where /proc is not there. */
    public static long peakRssBytes() {
        try {
            Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
