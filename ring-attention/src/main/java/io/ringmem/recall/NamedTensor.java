package io.ringmem.recall;

import java.util.Arrays;

/**
 * One float32 tensor of a checkpoint, row-major.
 *
 * @param name  the Hugging Face tensor name
 * @param shape (rows, cols) for a matrix, (n) for a vector
 * @param data  the values, {@code product(shape)} of them (not copied)
 */
public record NamedTensor(String name, int[] shape, float[] data) {
    public NamedTensor {
        long n = 1;
        for (int s : shape) n *= s;
        if (n != data.length) throw new IllegalArgumentException(name + ": " + data.length + " values for shape of " + n);
    }

    static NamedTensor matrix(String name, int rows, int cols) {
        return new NamedTensor(name, new int[]{rows, cols}, new float[rows * cols]);
    }

    static NamedTensor ones(String name, int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return new NamedTensor(name, new int[]{n}, v);
    }

    /** Element (r, c) of a matrix. */
    public float at(int r, int c) {
        return data[r * shape[1] + c];
    }

    void set(int r, int c, double v) {
        data[r * shape[1] + c] = (float) v;
    }
}
