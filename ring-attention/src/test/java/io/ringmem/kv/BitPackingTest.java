package io.ringmem.kv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BitPackingTest {
    @Test
    void roundTripsAllWidthsAndCounts() {
        Random rnd = new Random(1);
        for (int bits : new int[]{1, 2, 4, 8}) {
            for (int count = 0; count < 70; count++) {
                byte[] codes = new byte[count + 3];
                for (int i = 0; i < codes.length; i++) codes[i] = (byte) rnd.nextInt(1 << bits);
                int bytes = (int) BitPacking.packedBytes(count, bits);
                byte[] dst = new byte[bytes + 4];
                assertEquals(bytes, BitPacking.pack(codes, 3, count, bits, dst, 2));
                assertEquals(0, dst[0] | dst[1] | dst[bytes + 2] | dst[bytes + 3], "wrote outside its range");
                if (count * bits % 8 != 0) {
                    int used = count * bits % 8;
                    assertEquals(0, (dst[bytes + 1] & 0xFF) >>> used, "unused high bits must be 0");
                }
                byte[] back = new byte[count + 1];
                assertEquals(bytes, BitPacking.unpack(dst, 2, count, bits, back, 1));
                assertArrayEquals(Arrays.copyOfRange(codes, 3, 3 + count), Arrays.copyOfRange(back, 1, 1 + count), "bits " + bits);
            }
        }
    }

    @Test
    void layoutIsLsbFirst() {
        byte[] dst = new byte[1];
        BitPacking.pack(new byte[]{1, 2, 3, 0}, 0, 4, 2, dst, 0);
        assertEquals((byte) 0b00_11_10_01, dst[0]);
        BitPacking.pack(new byte[]{0xA, 0x5}, 0, 2, 4, dst, 0);
        assertEquals((byte) 0x5A, dst[0]);
    }

    @Test
    void rejectsOddWidths() {
        assertThrows(IllegalArgumentException.class, () -> BitPacking.packedBytes(10, 3));
    }
}
