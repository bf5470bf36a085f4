package io.ringmem.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Fuzzes the llama2.c {@code tokenizer.bin} reader ({@link Llama2cVocabFile#parse}) and the tokenizer built from it:
 * the first three input bytes are the vocabulary size the checkpoint would announce (0 .. 2^24-1, the checkpoint
 * reader's bound), the rest is the file. Any input gives a working tokenizer or a {@link RingmemException}, within
 * the allocation budget of {@link FuzzContract}. Seeds: small vocabularies written at test time.
 */
class Llama2cVocabFuzzTest {
    private static final Path FILE = Path.of("fuzz/tokenizer.bin");

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(reads(), 2000, this::reads);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void reads(byte[] data) throws Exception {
        FuzzContract.check(data.length, FuzzContract.only(RingmemException.class), () -> {
            if (data.length < 3) return;
            int vocabSize = (data[0] & 0xFF) | (data[1] & 0xFF) << 8 | (data[2] & 0xFF) << 16;
            Llama2cVocabFile file = Llama2cVocabFile.parse(FILE, Arrays.copyOfRange(data, 3, data.length), vocabSize);
            SentencePieceBpe t = SentencePieceBpe.fromLlama2c(file);
            t.decode(t.encode("Once upon a time, ünïcödé 🐈 123"));
        });
    }

    static Stream<Arguments> reads() {
        return Stream.of(vocab("<unk>", "<s>", "</s>", "<0x41>", "<0xC3>", "▁", "O", "n", "▁O", "nce", "▁Once"),
                vocab("<unk>")).map(b -> Arguments.of((Object) b));
    }

    /** The vocabulary size (3 bytes) then the file: max length, then per piece its score, length and bytes. */
    static byte[] vocab(String... pieces) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) pieces.length).put((byte) 0).put((byte) 0).putInt(8);
        for (int i = 0; i < pieces.length; i++) {
            byte[] p = pieces[i].getBytes(StandardCharsets.UTF_8);
            b.putFloat(-i).putInt(p.length).put(p);
        }
        return Arrays.copyOf(b.array(), b.position());
    }
}
