package io.ringmem.model.loader;

import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.model.RopeLayout;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a llama2.c legacy (version 0) checkpoint: seven little-endian int32 ({@code dim, hidden_dim, n_layers,
 * n_heads, n_kv_heads, vocab_size, seq_len}; a negative vocab size means a separate classifier at the end), then
 * fp32 tensors in the order token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final,
 * freq_cis_real, freq_cis_imag[, wcls]. All matrices are used in place from the mapping.
 */
final class Llama2cLoader {
    static final int HEADER_BYTES = 7 * 4;
    /** "ak42" as a little-endian int: the magic of llama2.c's newer (version 1 and 2) exports. */
    static final int AK42 = 0x616b3432;

    private Llama2cLoader() {
    }

    /** The config and weights; the tokenizer is {@link ModelLoader}'s business. */
    record Result(ModelConfig config, ModelWeights weights) {
    }

    static Result load(Path file, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < HEADER_BYTES) {
            throw Fail.at(file, "truncated llama2.c checkpoint: " + size + " bytes is shorter than the 28-byte header");
        }
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) h[i] = seg.get(i32, i * 4L);
        if (h[0] == AK42) {
            throw Fail.at(file, "llama2.c export version " + h[1] + " (magic ak42) is not supported; "
                    + "use the legacy version-0 format");
        }
        int dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], seqLen = h[6];
        boolean shared = h[5] > 0;
        int vocab = Math.abs(h[5]);
        String header = "dim=" + dim + " hidden_dim=" + hidden + " n_layers=" + layers + " n_heads=" + heads
                + " n_kv_heads=" + kvHeads + " vocab_size=" + h[5] + " seq_len=" + seqLen;
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seqLen <= 0
                || h[5] == Integer.MIN_VALUE || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0
                || dim > 1 << 20 || hidden > 1 << 22 || layers > 4096 || vocab > 1 << 24 || seqLen > 1 << 24) {
            throw Fail.at(file, "not a llama2.c checkpoint (implausible header: " + header + ")");
        }
        int headDim = dim / heads;
        int kvDim = kvHeads * headDim;
        long d = dim, hd = hidden, l = layers;
        long floats = vocab * d + l * d + l * d * d + 2 * l * kvDim * d + l * d * d + l * d
                + 3 * l * hd * d + d + (long) seqLen * headDim + (shared ? 0 : vocab * d);
        long expected = HEADER_BYTES + floats * 4;
        if (size != expected) {
            throw Fail.at(file, (size < expected ? "truncated" : "corrupt") + " llama2.c checkpoint: " + size
                    + " bytes, but the header (" + header + ") needs exactly " + expected);
        }
        ModelConfig config = new ModelConfig(dim, hidden, layers, heads, kvHeads, headDim, vocab, seqLen, 1e-5f,
                10000.0, RopeLayout.ADJACENT_PAIRS, null);

        Reader r = new Reader(seg);
        Matrix embedding = r.matrix(vocab, dim);
        float[][] rmsAtt = r.vectors(layers, dim);
        Matrix[] wq = r.matrices(layers, dim, dim);
        Matrix[] wk = r.matrices(layers, kvDim, dim);
        Matrix[] wv = r.matrices(layers, kvDim, dim);
        Matrix[] wo = r.matrices(layers, dim, dim);
        float[][] rmsFfn = r.vectors(layers, dim);
        Matrix[] w1 = r.matrices(layers, hidden, dim);
        Matrix[] w2 = r.matrices(layers, dim, hidden);
        Matrix[] w3 = r.matrices(layers, hidden, dim);
        float[] finalNorm = r.vectors(1, dim)[0];
        r.skip((long) seqLen * headDim); // freq_cis_real and freq_cis_imag, (seq_len, headDim/2) each
        Matrix output = shared ? embedding : r.matrix(vocab, dim);
        List<LayerWeights> blocks = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            blocks.add(new LayerWeights(rmsAtt[i], wq[i], wk[i], wv[i], wo[i], rmsFfn[i], w1[i], w2[i], w3[i]));
        }
        return new Result(config, new ModelWeights(embedding, blocks, finalNorm, output));
    }

    /** Walks the fp32 body in order. */
    private static final class Reader {
        private final MemorySegment seg;
        private long pos = HEADER_BYTES;

        Reader(MemorySegment seg) {
            this.seg = seg;
        }

        Matrix matrix(int rows, int cols) {
            long bytes = (long) rows * cols * Float.BYTES;
            Matrix m = new Matrix(seg.asSlice(pos, bytes), rows, cols);
            pos += bytes;
            return m;
        }

        Matrix[] matrices(int n, int rows, int cols) {
            Matrix[] out = new Matrix[n];
            for (int i = 0; i < n; i++) out[i] = matrix(rows, cols);
            return out;
        }

        float[][] vectors(int n, int len) {
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = new float[len];
                MemorySegment.copy(seg, Matrix.FLOAT_LE, pos, out[i], 0, len);
                pos += (long) len * Float.BYTES;
            }
            return out;
        }

        void skip(long floats) {
            pos += floats * Float.BYTES;
        }
    }
}
