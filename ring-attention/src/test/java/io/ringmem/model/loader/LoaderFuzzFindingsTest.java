package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs the loader fuzz targets found (docs/security.md, "Fuzzing record"), kept as regression cases. */
class LoaderFuzzFindingsTest {
    private static final Path FILE = Path.of("finding.gguf");

    /**
     * GgufFuzzTest: a 424-byte GGUF (dim 2, one token, both tensors present) whose {@code llama.block_count} is
     * 2^31-1 made {@link GgufLoader} size a list by it: OutOfMemoryError ("Requested array size exceeds VM limit").
     */
    @Test
    void ggufLayerCountBeyondTheTensorDirectoryIsRefusedBeforeAllocating() throws Exception {
        byte[] file = HexFormat.of().parseHex("""
                474755460300000002000000000000000600000000000000140000000000000067656e6572616c2e6172636869746563\
                747572650800000005000000000000006c6c616d6114000000000000006c6c616d612e636f6e746578745f6c656e6774\
                68040000000100000016000000000000006c6c616d612e656d62656464696e675f6c656e677468040000000200000019\
                000000000000006c6c616d612e666565645f666f72776172645f6c656e67746804000000010000001100000000000000\
                6c6c616d612e626c6f636b5f636f756e7404000000ffffff7f1a000000000000006c6c616d612e617474656e74696f6e\
                2e686561645f636f756e7404000000010000001100000000000000746f6b656e5f656d62642e77656967687402000000\
                0200000000000000010000000000000000000000000000000000000012000000000000006f75747075745f6e6f726d2e\
                776569676874010000000200000000000000000000002000000000000000000000000000000000000000000000000000\
                0000803f000000400000000000000000000000000000000000000000000000000000803f0000803f""");
        FuzzContract.check(file.length, e -> false, () -> {
            RingmemException e = assertThrows(RingmemException.class, () -> {
                try (Arena arena = Arena.ofConfined()) {
                    GgufLoader.load(FILE, MemorySegment.ofArray(file), arena, true);
                }
            });
            assertTrue(e.getMessage().contains("llama.block_count 2147483647 needs 19327352823 layer tensors, the file has 2"),
                    e.getMessage());
        });
    }

    /**
     * Found while writing {@link TensorOracle} for GgufFuzzTest: an F32 tensor of 2 × (2^31-1) × (2^31-1) elements
     * (each dimension in range, the count just under 2^63) made the byte size overflow to a negative number, which
     * passed the bounds check and failed in {@code asSlice} with an IndexOutOfBoundsException.
     */
    @Test
    void ggufTensorWhoseByteSizeOverflowsIsCorrupt() throws Exception {
        byte[] file = HexFormat.of().parseHex("""
                47475546030000000100000000000000000000000000000001000000000000007403000000ffffff7f00000000ffffff7f\
                0000000002000000000000000000000000000000000000000000000000000000000000000000000000000000000000""");
        FuzzContract.check(file.length, e -> false, () -> {
            RingmemException e = assertThrows(RingmemException.class, () -> GgufFile.parse(FILE, MemorySegment.ofArray(file)));
            assertTrue(e.getMessage().contains("corrupt header: tensor size overflows"), e.getMessage());
        });
    }

    /**
     * Found while writing {@link TensorOracle} for SafetensorsFuzzTest: an F32 tensor of shape [2^62] with
     * {@code data_offsets [0, 0]} was accepted with no data, its byte size (4 · 2^62) having wrapped to 0.
     */
    @Test
    void safetensorsShapeWhoseByteSizeOverflowsIsInvalid() throws Exception {
        byte[] json = """
                {"t":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}}""".getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[8 + json.length];
        file[0] = (byte) json.length; // the 8-byte little-endian header length
        System.arraycopy(json, 0, file, 8, json.length);
        FuzzContract.check(file.length, e -> false, () -> {
            RingmemException e = assertThrows(RingmemException.class,
                    () -> SafetensorsFile.parse(Path.of("finding.safetensors"), MemorySegment.ofArray(file)));
            assertTrue(e.getMessage().contains("tensor t has an invalid shape [4611686018427387904] (its size overflows)"),
                    e.getMessage());
        });
    }
}
