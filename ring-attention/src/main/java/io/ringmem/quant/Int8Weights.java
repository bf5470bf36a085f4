package io.ringmem.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Block-quantized weights seen as small integer levels: every group of {@link #group} consecutive weights is
 * {@code scale·level + offset} with one fp32 scale and offset per group, as ggml's integer dot products
 * ({@code ggml_vec_dot_q4_K_q8_K} and friends) see them. The integer path of the prefill matmul multiplies these
 * levels by int8 activations ({@link Int8Activations}).
 *
 * <table>
 *   <caption>levels per format</caption>
 *   <tr><th>format</th><th>group</th><th>level</th><th>scale</th><th>offset</th></tr>
 *   <tr><td>Q8_0</td><td>32</td><td>q ∈ [−128, 127]</td><td>d</td><td>0</td></tr>
 *   <tr><td>Q4_0</td><td>32</td><td>q − 8 ∈ [−8, 7]</td><td>d</td><td>0</td></tr>
 *   <tr><td>Q4_K</td><td>32</td><td>q ∈ [0, 15]</td><td>d·sc[j]</td><td>−dmin·m[j]</td></tr>
 *   <tr><td>Q5_K</td><td>32</td><td>q ∈ [0, 31]</td><td>d·sc[j]</td><td>−dmin·m[j]</td></tr>
 *   <tr><td>Q6_K</td><td>16</td><td>q − 32 ∈ [−32, 31]</td><td>d·scales[j]</td><td>0</td></tr>
 * </table>
 * Each value is the float {@link BlockFormat#dequantize} gives up to one rounding (the reference rounds
 * {@code d·sc·q} once; here {@code scale·level} is formed later, in the integer path's own order). Stateless.
 */
public final class Int8Weights {
    private Int8Weights() {
    }

    /** Whether the integer path handles weights of format f. */
    public static boolean supports(BlockFormat f) {
        return f instanceof Q8_0Format || f instanceof Q4_0Format || f instanceof Q4KFormat || f instanceof Q5KFormat
                || f instanceof Q6KFormat;
    }

    /** Weights per scale/offset group (16 or 32; divides the activation block). */
    public static int group(BlockFormat f) {
        return f instanceof Q6KFormat ? 16 : 32;
    }

    /** The largest |level| of f: bounds the int16 partial sums of the integer path. */
    public static int maxLevel(BlockFormat f) {
        return switch (f) {
            case Q8_0Format ignored -> 128;
            case Q4_0Format ignored -> 8;
            case Q4KFormat ignored -> 15;
            case Q5KFormat ignored -> 31;
            case Q6KFormat ignored -> 32;
            default -> throw unsupported(f);
        };
    }

    /** Whether groups have non-zero offsets (the K-quants with mins). */
    public static boolean hasOffsets(BlockFormat f) {
        return f instanceof Q4KFormat || f instanceof Q5KFormat;
    }

    private static IllegalArgumentException unsupported(BlockFormat f) {
        return new IllegalArgumentException("the int8 prefill path does not handle " + f.name() + " weights");
    }

    /**
     * Decodes {@code blocks} blocks at {@code src[off]}: levels to {@code lv[lOff ..]} (blocks · blockElements),
     * per-group scale and offset to {@code scale[gOff ..]}, {@code offset[gOff ..]} (blocks · blockElements / group).
     */
    public static void decode(BlockFormat f, MemorySegment src, long off, int blocks, short[] lv, int lOff,
                              float[] scale, float[] offset, int gOff) {
        byte[] raw = new byte[f.blockBytes()];
        int be = f.blockElements(), gpb = be / group(f);
        for (int b = 0; b < blocks; b++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, off + (long) b * f.blockBytes(), raw, 0, raw.length);
            int l = lOff + b * be, g = gOff + b * gpb;
            switch (f) {
                case Q8_0Format ignored -> q8_0(raw, lv, l, scale, offset, g);
                case Q4_0Format ignored -> q4_0(raw, lv, l, scale, offset, g);
                case Q4KFormat ignored -> q45k(raw, false, lv, l, scale, offset, g);
                case Q5KFormat ignored -> q45k(raw, true, lv, l, scale, offset, g);
                case Q6KFormat ignored -> q6k(raw, lv, l, scale, offset, g);
                default -> throw unsupported(f);
            }
        }
    }

    private static float half(byte[] raw, int p) {
        return Float.float16ToFloat((short) ((raw[p] & 0xFF) | raw[p + 1] << 8));
    }

    private static void q8_0(byte[] raw, short[] lv, int l, float[] scale, float[] offset, int g) {
        scale[g] = half(raw, 0);
        offset[g] = 0;
        for (int j = 0; j < 32; j++) lv[l + j] = raw[2 + j];
    }

    private static void q4_0(byte[] raw, short[] lv, int l, float[] scale, float[] offset, int g) {
        scale[g] = half(raw, 0);
        offset[g] = 0;
        for (int j = 0; j < 16; j++) {
            int q = raw[2 + j] & 0xFF;
            lv[l + j] = (short) ((q & 0xF) - 8);
            lv[l + 16 + j] = (short) ((q >>> 4) - 8);
        }
    }

    /** Q4_K (qs at 16) and Q5_K (qh at 16, qs at 48): levels 64·g + i low nibble, 64·g + 32 + i high nibble. */
    private static void q45k(byte[] raw, boolean five, short[] lv, int l, float[] scale, float[] offset, int g) {
        float d = half(raw, 0), dmin = half(raw, 2);
        MemorySegment s = MemorySegment.ofArray(raw);
        for (int j = 0; j < 8; j++) {
            scale[g + j] = d * KQuants.scale(s, 4, j);
            offset[g + j] = -(dmin * KQuants.min(s, 4, j));
        }
        int qs = five ? 48 : 16;
        for (int p = 0; p < 4; p++) {
            for (int i = 0; i < 32; i++) {
                int q = raw[qs + 32 * p + i] & 0xFF;
                int lo = q & 0xF, hi = q >>> 4;
                if (five) {
                    int h = raw[16 + i] & 0xFF;
                    lo += (h >> 2 * p & 1) << 4;
                    hi += (h >> 2 * p + 1 & 1) << 4;
                }
                lv[l + 64 * p + i] = (short) lo;
                lv[l + 64 * p + 32 + i] = (short) hi;
            }
        }
    }

    private static void q6k(byte[] raw, short[] lv, int l, float[] scale, float[] offset, int g) {
        float d = half(raw, 208);
        for (int j = 0; j < 16; j++) {
            scale[g + j] = d * raw[192 + j];
            offset[g + j] = 0;
        }
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < 32; i++) {
                int a = raw[64 * h + i] & 0xFF, c = raw[64 * h + 32 + i] & 0xFF, hb = raw[128 + 32 * h + i] & 0xFF;
                int o = l + 128 * h + i;
                lv[o] = (short) (((a & 0xF) | (hb & 3) << 4) - 32);
                lv[o + 32] = (short) (((c & 0xF) | (hb >> 2 & 3) << 4) - 32);
                lv[o + 64] = (short) (((a >> 4) | (hb >> 4 & 3) << 4) - 32);
                lv[o + 96] = (short) (((c >> 4) | (hb >> 6 & 3) << 4) - 32);
            }
        }
    }
}
