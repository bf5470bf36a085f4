package io.ringmem.cluster;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration is required and checked when a codec is made; decoded records are validated by their constructor. */
class RecordCodecTest {
    enum Colour { RED, GREEN }

    record Point(int x, String label, Colour colour, List<String> tags) {
        Point {
            if (x < 0) throw new IllegalArgumentException("x must be >= 0");
            tags = List.copyOf(tags);
        }
    }

    record Unlisted(int y) {
    }

    record Holder(Unlisted inner) {
    }

    @Test
    void roundTripsRecordsEnumsAndLists() {
        RecordCodec codec = new RecordCodec(List.of(Point.class, Colour.class), Map.of());
        Point p = new Point(3, "a", Colour.GREEN, List.of("x", "y"));
        assertEquals(p, codec.read(codec.write(p), Point.class, "point"));
    }

    @Test
    void aComponentOfAnUnregisteredTypeFailsAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RecordCodec(List.of(Holder.class), Map.of()));
        assertTrue(e.getMessage().contains("Holder.inner") && e.getMessage().contains("Unlisted"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RecordCodec(List.of(Point.class), Map.of()), "Colour missing");
    }

    @Test
    void anUnregisteredValueOrBadBytesAreClearErrors() {
        RecordCodec codec = new RecordCodec(List.of(Point.class, Colour.class), Map.of());
        assertThrows(RuntimeException.class, () -> codec.write(new Unlisted(1)));
        RingmemException e = assertThrows(RingmemException.class, () -> codec.read(new byte[] {1, 2, 3}, Point.class, "junk"));
        assertTrue(e.getMessage().startsWith("junk"), e.getMessage());
        byte[] valid = codec.write(new Point(1, "b", Colour.RED, List.of()));
        RingmemException wrongType = assertThrows(RingmemException.class, () -> codec.read(valid, Colour.class, "colour"));
        assertTrue(wrongType.getMessage().contains("not a Colour"), wrongType.getMessage());
    }
}
