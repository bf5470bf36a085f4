package io.ringmem.tokenizer;

import java.util.Arrays;

/** A growable list of primitive ints (token ids), so that encoding does not box. Not thread-safe. */
final class IntList {
    private int[] data;
    private int size;

    IntList() {
        this(16);
    }

    IntList(int capacity) {
        data = new int[Math.max(1, capacity)];
    }

    void add(int value) {
        if (size == data.length) data = Arrays.copyOf(data, data.length * 2);
        data[size++] = value;
    }

    void addAll(int[] values) {
        for (int v : values) add(v);
    }

    int get(int i) {
        return data[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
