package io.ringmem.quant;

import java.util.List;

/**
 * The block formats the kernels run on quantized weights, looked up by ggml type id. A GGUF tensor whose type has
 * an entry here is kept as it is stored (mapped blocks); other quantized types are refused by the loader (or, for
 * types the loader can convert, expanded to fp32 at load).
 *
 * <p>Adding a format is one entry in {@link #ALL}: an instance of a stateless {@link BlockFormat} whose
 * {@link BlockFormat#ggmlId()} is not yet listed. Immutable and thread-safe.
 */
public final class BlockFormats {
    /** Every format, in ggml id order. */
    private static final List<BlockFormat> ALL = List.of(
            new Q4_0Format(),
            new Q8_0Format(),
            new Q4KFormat(),
            new Q5KFormat(),
            new Q6KFormat(),
            new Q8KFormat());

    private static final BlockFormat[] BY_ID = index(ALL);

    private BlockFormats() {
    }

    private static BlockFormat[] index(List<BlockFormat> formats) {
        int max = 0;
        for (BlockFormat f : formats) max = Math.max(max, f.ggmlId());
        BlockFormat[] byId = new BlockFormat[max + 1];
        for (BlockFormat f : formats) {
            if (byId[f.ggmlId()] != null) throw new IllegalStateException("two block formats with ggml id " + f.ggmlId());
            byId[f.ggmlId()] = f;
        }
        return byId;
    }

    /** The format with ggml type id {@code ggmlId}, or null when there is none. */
    public static BlockFormat byId(long ggmlId) {
        return ggmlId >= 0 && ggmlId < BY_ID.length ? BY_ID[(int) ggmlId] : null;
    }

    /** All formats, in ggml id order. */
    public static List<BlockFormat> all() {
        return ALL;
    }

    /** Their names, comma separated ("Q4_0, Q8_0, Q4_K, ..."), for messages. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (BlockFormat f : ALL) sb.append(sb.isEmpty() ? "" : ", ").append(f.name());
        return sb.toString();
    }
}
