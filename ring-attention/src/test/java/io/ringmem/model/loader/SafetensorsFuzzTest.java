package io.ringmem.model.loader;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Fuzzes the safetensors header parser ({@link SafetensorsFile#parse}): any bytes give a tensor directory or a
 * {@link RingmemException}, within the allocation budget of {@link FuzzContract}; every tensor it returns holds exactly its
 * shape's bytes ({@link TensorOracle}). Seeds: small files written at test time (F32, F16, BF16, an unsupported dtype, metadata).
 */
class SafetensorsFuzzTest {
    private static final Path FILE = Path.of("fuzz.safetensors");

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(parses(), 2000, this::parses);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void parses(byte[] data) throws Exception {
        FuzzContract.check(data.length, FuzzContract.only(RingmemException.class), () -> {
            SafetensorsFile f = SafetensorsFile.parse(FILE, MemorySegment.ofArray(data));
            for (StoredTensor t : f.tensors().values()) TensorOracle.check(t, data.length);
        });
    }

    static Stream<Arguments> parses() throws IOException {
        byte[] full = new SafetensorsTestWriter()
                .add("model.embed_tokens.weight", GgmlType.F32, new float[] {1, 2, 3, 4, 5, 6}, 3, 2)
                .add("model.norm.weight", GgmlType.F16, new float[] {1, -2}, 2)
                .add("lm_head.weight", GgmlType.BF16, new float[] {0.5f, 0.25f, 8, 9}, 2, 2)
                .addRaw("scales", "I8", new byte[] {1, 2, 3}, 3)
                .metadata("format", "pt").toBytes();
        byte[] empty = new SafetensorsTestWriter().toBytes();
        byte[] json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        byte[] scalar = new byte[8 + json.length + 4];
        scalar[0] = (byte) json.length;
        System.arraycopy(json, 0, scalar, 8, json.length);
        return Stream.of(full, empty, scalar).map(b -> Arguments.of((Object) b));
    }
}
