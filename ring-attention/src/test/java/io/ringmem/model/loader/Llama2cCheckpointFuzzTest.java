package io.ringmem.model.loader;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Fuzzes the llama2.c checkpoint reader ({@link Llama2cLoader#load}): any bytes give a model or a
 * {@link RingmemException}, within the allocation budget of {@link FuzzContract}. Seeds: tiny checkpoints written
 * at test time (shared and separate classifier).
 */
class Llama2cCheckpointFuzzTest {
    private static final Path FILE = Path.of("fuzz.bin");

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(loads(), 2000, this::loads);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void loads(byte[] data) throws Exception {
        FuzzContract.check(data.length, FuzzContract.only(RingmemException.class),
                () -> Llama2cLoader.load(FILE, MemorySegment.ofArray(data)));
    }

    static Stream<Arguments> loads() {
        return Stream.of(Arguments.of((Object) checkpoint(8)), Arguments.of((Object) checkpoint(-8)));
    }

    /** dim 8, hidden 16, 1 layer, 2 heads, 1 KV head, seq_len 4; a negative {@code vocab} adds a classifier. */
    static byte[] checkpoint(int vocab) {
        int dim = 8, hidden = 16, layers = 1, heads = 2, kvHeads = 1, seqLen = 4;
        int headDim = dim / heads, kvDim = kvHeads * headDim, v = Math.abs(vocab);
        int floats = v * dim + layers * (2 * dim + 2 * dim * dim + 2 * kvDim * dim + 3 * hidden * dim) + dim
                + seqLen * headDim + (vocab < 0 ? v * dim : 0);
        ByteBuffer b = ByteBuffer.allocate(Llama2cLoader.HEADER_BYTES + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(dim).putInt(hidden).putInt(layers).putInt(heads).putInt(kvHeads).putInt(vocab).putInt(seqLen);
        SplittableRandom r = new SplittableRandom(3);
        while (b.hasRemaining()) b.putFloat((float) r.nextGaussian());
        return b.array();
    }
}
