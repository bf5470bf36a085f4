package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.Int8Activations;
import io.ringmem.quant.Int8Weights;
import io.ringmem.tensor.Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The integer prefill path for block-quantized weights: activations quantized per block to int8
 * ({@link Int8Activations}, blocks of 32 or 256), weights read as integer levels with a scale and offset per group
 * ({@link Int8Weights}), dot products in integers, scaled in fp32 once per group.
 *
 * <p>Layout, as {@link MatmulPacked} but in int16 lanes: a pass's tokens are packed transposed in panels of
 * {@link #TS} tokens (one short vector), {@code xs (panels, in, TS)} levels, {@code xd (panels, in / block, TS)}
 * activation scales and {@code xg (panels, in / group, TS)} = scale · Σ levels of each weight group (for the min
 * terms). The register tile is 4 weight rows × TS tokens: per reduction step one vector load of levels, and per row
 * one broadcast level, one int16 multiply and one int16 add. Partial sums stay in int16 for {@code chunk} steps
 * (chosen so that {@code chunk · maxLevel · 127 ≤ 32767}: 2 for Q8_0, 32 for Q4_0, 16 for Q4_K, 8 for Q5_K/Q6_K),
 * are widened to int32 per chunk (by shifts of the vector's int view: the int lanes hold the even tokens, then
 * the odd ones, and the scales and the tile follow that order, see {@link #slot}), and each group's int32 sum is
 * converted once to fp32 and multiplied by {@code weightScale · activationScale}. The rows of a tile are decoded
 * to levels once per pass and reused for every panel of tokens; the Vector API has no int8 dot-product (VNNI)
 * operation, so the int16 multiply is what the JIT can give.
 *
 * <p>Exact in integers; the fp32 part rounds once per group and per accumulation, so the result is
 * {@code Σ w_i · x̂_i} (x̂ the dequantized int8 activations) within fp32 summation order. The activation
 * quantization is the only approximation: see {@link Int8Activations}.
 */
final class MatmulInt8 {
    static final VectorSpecies<Short> SS = ShortVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    /** Tokens per panel: one short vector. */
    static final int TS = SS.length();
    private static final int FL = FS.length(); // TS / 2
    /** Weight rows per register tile. */
    static final int RB = 4;

    private MatmulInt8() {
    }

    /** Packed activations of one pass: see the class comment. */
    record Packed(int n, int in, int block, int group, short[] xs, float[] xd, float[] xg) {
        int panels() {
            return (n + TS - 1) / TS;
        }
    }

    /** Scratch for a pass of n tokens of length in against weights of format f. */
    static Packed allocate(int n, int in, BlockFormat f) {
        int panels = (n + TS - 1) / TS, block = Int8Activations.blockFor(f), group = Int8Weights.group(f);
        return new Packed(n, in, block, group, new short[panels * in * TS], new float[panels * (in / block) * TS],
                new float[panels * (in / group) * TS]);
    }

    /** Quantizes and packs panels [p0, p1) of tokens x[xOff + t·in ..] (t &lt; n) into pk. */
    static void pack(float[] x, int xOff, Packed pk, int p0, int p1) {
        int in = pk.in(), n = pk.n(), t0 = p0 * TS, t1 = Math.min(n, p1 * TS);
        if (t0 >= t1) return;
        Int8Activations a = new Int8Activations(t1 - t0, in, pk.block());
        a.quantizeRows(x, xOff + t0 * in, 0, t1 - t0);
        int blocks = in / pk.block(), groups = in / pk.group();
        for (int t = t0; t < t1; t++) {
            int p = t / TS, lane = t % TS, r = t - t0;
            int xo = p * in * TS + lane; // levels stay in token order: the int lanes split even and odd tokens
            for (int k = 0; k < in; k++) pk.xs()[xo + k * TS] = (short) a.level(r, k);
            for (int b = 0; b < blocks; b++) pk.xd()[(p * blocks + b) * TS + slot(lane)] = a.scale(r, b * pk.block());
            for (int g = 0; g < groups; g++) {
                int c = g * pk.group(), sum = 0;
                for (int s = c; s < c + pk.group(); s += Int8Activations.SUM_GROUP) sum += a.sum16(r, s);
                pk.xg()[(p * groups + g) * TS + slot(lane)] = a.scale(r, c) * sum;
            }
        }
    }

    /** int16 steps before widening: chunk · maxLevel · 127 ≤ 32767, a power of two dividing the group. */
    static int chunk(BlockFormat f) {
        int c = Math.min(Int8Weights.group(f), 32767 / (Int8Weights.maxLevel(f) * 127));
        return Integer.highestOneBit(c);
    }

    /** out[outOff + t·rows + r] for the pass's tokens and r in [r0, r1); r0 a multiple of {@link #RB}. */
    static void rowRange(Packed pk, Matrix w, float[] out, int outOff, int r0, int r1) {
        BlockFormat f = w.format();
        int in = pk.in(), rows = w.rows(), group = pk.group(), groups = in / group, blocks = in / f.blockElements();
        int chunk = chunk(f);
        boolean offsets = Int8Weights.hasOffsets(f);
        short[] lv = new short[RB * in];
        float[] sc = new float[RB * groups], of = new float[RB * groups], tile = new float[RB * TS];
        int[] ia = new int[2 * RB * FL];
        for (int r = r0; r < r1; r += RB) {
            int nr = Math.min(RB, r1 - r);
            for (int j = 0; j < nr; j++) {
                Int8Weights.decode(f, w.data(), (r + j) * w.rowBytes(), blocks, lv, j * in, sc, of, j * groups);
            }
            for (int p = 0; p < pk.panels(); p++) {
                if (nr == RB) {
                    tile4(pk, p, lv, sc, of, chunk, offsets, ia, tile);
                } else {
                    for (int j = 0; j < nr; j++) tile1(pk, p, lv, j, sc, of, chunk, offsets, tile);
                }
                int t0 = p * TS, nt = Math.min(TS, pk.n() - t0);
                for (int l = 0; l < nt; l++) {
                    int o = outOff + (t0 + l) * rows + r;
                    for (int j = 0; j < nr; j++) out[o + j] = tile[j * TS + slot(l)];
                }
            }
        }
    }

    /** The even short lanes (tokens 0, 2, 4, ...) sign-extended to int lanes: no lane shuffle needed. */
    private static IntVector lo(ShortVector s) {
        return s.reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
    }

    /** The odd short lanes (tokens 1, 3, 5, ...) sign-extended to int lanes. */
    private static IntVector hi(ShortVector s) {
        return s.reinterpretAsInts().lanewise(VectorOperators.ASHR, 16);
    }

    /** Position in a tile row (and in the xd/xg lanes) of token lane l: even tokens first, then odd. */
    static int slot(int l) {
        return (l & 1) * FL + (l >> 1);
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(FS, v);
    }

    private static FloatVector f(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    // tile (4, TS) = Σ_k levels of rows 0..3 × xs panel p, scaled per group. Split in two small methods (integer
    // sums of one group, then their scaling) so that C2 inlines every Vector API call of each: one large method hits
    // its inlining node cutoff and boxes vectors, about ten times slower.
    private static void tile4(Packed pk, int p, short[] lv, float[] sc, float[] of, int chunk, boolean offsets,
                              int[] ia, float[] tile) {
        int group = pk.group(), groups = pk.in() / group;
        Arrays.fill(tile, 0, RB * TS, 0f);
        for (int g = 0; g < groups; g++) {
            int4(pk.xs(), p * pk.in() * TS, lv, pk.in(), g * group, group, chunk, ia);
            scale4(pk, p, g, groups, sc, of, offsets, ia, tile);
        }
    }

    /** ia (8, FL) = int sums over levels [c0, c0 + group) of rows 0..3: per row, even then odd tokens. */
    private static void int4(short[] xs, int xo, short[] lv, int in, int c0, int group, int chunk, int[] ia) {
        int w1 = in, w2 = 2 * in, w3 = 3 * in;
        IntVector i0 = IntVector.zero(IS), j0 = i0, i1 = i0, j1 = i0, i2 = i0, j2 = i0, i3 = i0, j3 = i0;
        for (int c = c0, ce = c0 + group; c < ce; c += chunk) {
            ShortVector s0 = ShortVector.zero(SS), s1 = s0, s2 = s0, s3 = s0;
            for (int k = c; k < c + chunk; k++) {
                ShortVector x = ShortVector.fromArray(SS, xs, xo + k * TS);
                s0 = x.mul(lv[k]).add(s0);
                s1 = x.mul(lv[w1 + k]).add(s1);
                s2 = x.mul(lv[w2 + k]).add(s2);
                s3 = x.mul(lv[w3 + k]).add(s3);
            }
            i0 = i0.add(lo(s0)); j0 = j0.add(hi(s0));
            i1 = i1.add(lo(s1)); j1 = j1.add(hi(s1));
            i2 = i2.add(lo(s2)); j2 = j2.add(hi(s2));
            i3 = i3.add(lo(s3)); j3 = j3.add(hi(s3));
        }
        i0.intoArray(ia, 0); j0.intoArray(ia, FL);
        i1.intoArray(ia, 2 * FL); j1.intoArray(ia, 3 * FL);
        i2.intoArray(ia, 4 * FL); j2.intoArray(ia, 5 * FL);
        i3.intoArray(ia, 6 * FL); j3.intoArray(ia, 7 * FL);
    }

    /** tile row j += ia row j · weightScale_j · activation scales (+ offset_j · activation group sums), j &lt; 4. */
    private static void scale4(Packed pk, int p, int g, int groups, float[] sc, float[] of, boolean offsets, int[] ia,
                               float[] tile) {
        int dOff = (p * (pk.in() / pk.block()) + g * pk.group() / pk.block()) * TS, gOff = (p * groups + g) * TS;
        FloatVector dl = FloatVector.fromArray(FS, pk.xd(), dOff), dh = FloatVector.fromArray(FS, pk.xd(), dOff + FL);
        for (int j = 0; j < RB; j++) {
            FloatVector a = FloatVector.fromArray(FS, tile, j * TS), b = FloatVector.fromArray(FS, tile, j * TS + FL);
            float s = sc[j * groups + g];
            a = f(IntVector.fromArray(IS, ia, 2 * j * FL)).fma(dl.mul(s), a);
            b = f(IntVector.fromArray(IS, ia, (2 * j + 1) * FL)).fma(dh.mul(s), b);
            if (offsets) {
                FloatVector o = bc(of[j * groups + g]);
                a = FloatVector.fromArray(FS, pk.xg(), gOff).fma(o, a);
                b = FloatVector.fromArray(FS, pk.xg(), gOff + FL).fma(o, b);
            }
            a.intoArray(tile, j * TS);
            b.intoArray(tile, j * TS + FL);
        }
    }

    // tile row j (TS) = Σ_k levels of row j × xs panel p: the rows left over below a full tile
    private static void tile1(Packed pk, int p, short[] lv, int j, float[] sc, float[] of, int chunk, boolean offsets,
                              float[] tile) {
        int in = pk.in(), group = pk.group(), groups = in / group, blocks = in / pk.block();
        short[] xs = pk.xs();
        int xo = p * in * TS, wo = j * in;
        FloatVector a = FloatVector.zero(FS), b = a;
        for (int g = 0; g < groups; g++) {
            IntVector i = IntVector.zero(IS), h = i;
            for (int c = g * group, ce = c + group; c < ce; c += chunk) {
                ShortVector s = ShortVector.zero(SS);
                for (int k = c; k < c + chunk; k++) s = ShortVector.fromArray(SS, xs, xo + k * TS).mul(lv[wo + k]).add(s);
                i = i.add(lo(s));
                h = h.add(hi(s));
            }
            int dOff = (p * blocks + g * group / pk.block()) * TS;
            float s = sc[j * groups + g];
            a = f(i).fma(FloatVector.fromArray(FS, pk.xd(), dOff).mul(s), a);
            b = f(h).fma(FloatVector.fromArray(FS, pk.xd(), dOff + FL).mul(s), b);
            if (offsets) {
                int gOff = (p * groups + g) * TS;
                a = FloatVector.fromArray(FS, pk.xg(), gOff).fma(bc(of[j * groups + g]), a);
                b = FloatVector.fromArray(FS, pk.xg(), gOff + FL).fma(bc(of[j * groups + g]), b);
            }
        }
        a.intoArray(tile, j * TS);
        b.intoArray(tile, j * TS + FL);
    }
}
