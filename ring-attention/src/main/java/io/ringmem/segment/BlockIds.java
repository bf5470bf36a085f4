package io.ringmem.segment;

/** Block ids of segment mode: {@code segment << 24 | block}; segments up to 2^31, blocks per segment up to 2^24. */
public final class BlockIds {
    private BlockIds() {
    }

    public static long of(int segment, int block) {
        if (segment < 0 || block < 0 || block >= (1 << 24)) throw new IllegalArgumentException("segment " + segment + " block " + block);
        return ((long) segment << 24) | block;
    }

    public static int segment(long id) {
        return (int) (id >>> 24);
    }

    public static int block(long id) {
        return (int) (id & 0xFFFFFF);
    }
}
