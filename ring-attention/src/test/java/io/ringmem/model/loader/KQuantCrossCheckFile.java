package io.ringmem.model.loader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the GGUF that {@code scripts/kquant-crosscheck.sh} hands to llama.cpp's own Python reader (gguf-py): for
 * each K-quant, a (16, 1024) tensor {@code <type>} quantized with Ringmem's reference quantizer and, next to it,
 * {@code <type>.ringmem} = Ringmem's dequantization of those blocks stored as F32. gguf-py dequantizes the first with
 * its numpy implementation of ggml's layouts and compares it with the second.
 *
 * <p>Entry point: {@code KQuantCrossCheckFile <out.gguf>}.
 */
public final class KQuantCrossCheckFile {
    private KQuantCrossCheckFile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: KQuantCrossCheckFile <out.gguf>");
        SplittableRandom r = new SplittableRandom(2026);
        int rows = 16, cols = 1024;
        GgufWriter w = new GgufWriter().string("general.architecture", "ringmem-kquant-crosscheck");
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K}) {
            float[] x = new float[rows * cols];
            for (int b = 0; b < x.length; b += 256) { // a spread of magnitudes and offsets, block by block
                double scale = Math.pow(10, r.nextDouble(-3, 1)), offset = r.nextInt(4) == 0 ? 2 * scale : 0;
                for (int i = b; i < b + 256; i++) x[i] = (float) (offset + scale * r.nextGaussian());
            }
            byte[] q = Dequantize.encode(t, x);
            float[] ours = Dequantize.toFloatArray(t, MemorySegment.ofArray(q), 0, x.length);
            w.rawTensor(t.name(), t.id, q, rows, cols);
            w.tensor(t.name() + ".ringmem", GgmlType.F32, ours, rows, cols);
        }
        w.write(Path.of(args[0]));
    }
}
