package io.ringmem.bench.peers;

import io.ringmem.RingmemException;

import java.util.Locale;

/**
 * The shape of a random-weight Llama written by {@link RandomLlamaWriter}; validated on construction.
 *
 * @param vocab    tokens in the vocabulary (≥ 260: 3 specials, 256 byte tokens, at least one piece)
 * @param hidden   embedding width; a multiple of {@code heads} and of 32 (the quantized block size)
 * @param ffn      feed-forward width; a multiple of 32 (256 for the K-quants)
 * @param context  the context length written to the metadata
 * @param seed     seeds every tensor (tensor i gets its own stream), so two writes with one seed are equal
 * @param format   how the 2-D weights are stored; norms are always F32
 */
public record RandomLlamaSpec(int vocab, int hidden, int layers, int heads, int kvHeads, int ffn, int context, long seed,
                              Format format) {
    /** Storage formats of the 2-D weight tensors. */
    public enum Format {
        F32, Q8_0, Q4_0, Q4_K;

        /** Parses "f32", "q8_0", "Q4_K", ... */
        public static Format parse(String s) {
            for (Format f : values()) if (f.name().equalsIgnoreCase(s)) return f;
            throw new RingmemException("unknown format '" + s + "' (f32, q8_0, q4_0, q4_k)");
        }

        /** Elements per quantization block (1 for F32). */
        public int blockSize() {
            return switch (this) {
                case F32 -> 1;
                case Q8_0, Q4_0 -> 32;
                case Q4_K -> 256;
            };
        }

        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RandomLlamaSpec {
        if (format == null) throw new RingmemException("format is required");
        if (vocab < 260 || vocab > 1 << 20) throw new RingmemException("--vocab must be in [260, 1048576], got " + vocab);
        if (layers < 1 || layers > 256) throw new RingmemException("--layers must be in [1, 256], got " + layers);
        if (heads < 1 || kvHeads < 1 || heads % kvHeads != 0) {
            throw new RingmemException("--heads must be a positive multiple of --kv-heads, got " + heads + "/" + kvHeads);
        }
        if (hidden < 1 || hidden > 65536 || hidden % heads != 0 || (hidden / heads) % 2 != 0) {
            throw new RingmemException("--hidden must be a multiple of --heads with an even head size, got " + hidden);
        }
        int block = Math.max(32, format.blockSize());
        if (hidden % block != 0 || ffn < 1 || ffn > 262144 || ffn % block != 0
                || (hidden / heads) * kvHeads % block != 0) {
            throw new RingmemException("--hidden, --ffn and the KV width must be multiples of " + block + " for "
                    + format.lower() + ", got hidden " + hidden + ", ffn " + ffn);
        }
        if (context < 16 || context > 1 << 24) throw new RingmemException("--context must be in [16, 16777216], got " + context);
    }

    public int headDim() {
        return hidden / heads;
    }

    public int kvDim() {
        return headDim() * kvHeads;
    }

    /** Weights in all (embedding and output untied). */
    public long parameters() {
        long perLayer = 2L * hidden * hidden + 2L * hidden * kvDim() + 3L * hidden * ffn + 2L * hidden;
        return 2L * vocab * hidden + hidden + layers * perLayer;
    }

    /** Weights multiplied per token by the layers (attention and FFN projections; no embedding, norms or head). */
    public long layerMatmulWeights() {
        return (long) layers * (2L * hidden * hidden + 2L * hidden * kvDim() + 3L * hidden * ffn);
    }

    /**
     * FLOPs of a causal prefill of {@code n} tokens (positions 0..n-1): 2 per multiply-add of the layers' weights
     * per token, attention's 4·hidden per (query, key) pair per layer over the n(n+1)/2 causal pairs, and one row
     * of logits (2·vocab·hidden) for the last token.
     */
    public double prefillFlops(long n) {
        return 2.0 * layerMatmulWeights() * n + 4.0 * hidden * layers * (n * (n + 1) / 2.0) + 2.0 * vocab * hidden;
    }

    /** FLOPs of decoding {@code m} tokens after {@code context} tokens (layers, attention over the cache, logits). */
    public double decodeFlops(long context, long m) {
        double attention = 4.0 * hidden * layers * (m * context + m * (m + 1) / 2.0);
        return m * (2.0 * layerMatmulWeights() + 2.0 * vocab * hidden) + attention;
    }
}
