package io.ringmem.cli;

import io.ringmem.RingmemException;

import java.util.List;

/** Checks of {@code ringmem bench} option values; a bad one is a {@link RingmemException} naming the flag. */
final class BenchArgs {
    private BenchArgs() {
    }

    static int atLeast(int value, int min, String flag) {
        if (value < min) throw new RingmemException(flag + " must be at least " + min + ", got " + value);
        return value;
    }

    static double atLeast(double value, double min, String flag) {
        if (!(value >= min)) throw new RingmemException(flag + " must be at least " + min + ", got " + value);
        return value;
    }

    static List<Integer> allAtLeast(List<Integer> values, int min, String flag) {
        if (values.isEmpty()) throw new RingmemException(flag + " needs at least one value");
        for (int v : values) if (v < min) throw new RingmemException(flag + " values must be at least " + min + ", got " + v);
        return values;
    }
}
