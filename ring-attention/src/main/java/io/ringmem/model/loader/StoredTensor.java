package io.ringmem.model.loader;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor as a file stores it, before conversion.
 *
 * @param file     the file holding it, for messages
 * @param name     its name in the file
 * @param type     its element type, or null when this loader does not support the type
 * @param typeName the file's own name for the type ("Q5_K (id 13)", "I64"), for messages
 * @param shape    dimensions, outermost first (a matrix is {@code [rows, cols]})
 * @param data     exactly the tensor's bytes (a slice of the mapped file), or null when {@code type} is null
 * @param supported the types this file format may use that the loader converts, for messages
 */
record StoredTensor(Path file, String name, GgmlType type, String typeName, long[] shape, MemorySegment data,
                    String supported) {

    long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** The shape with leading (outermost) dimensions of size 1 dropped down to {@code rank}. */
    long[] shapeOfRank(int rank) {
        int start = 0;
        while (shape.length - start > rank && shape[start] == 1) start++;
        return Arrays.copyOfRange(shape, start, shape.length);
    }

    String shapeText() {
        return Arrays.toString(shape);
    }
}
