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
 * are widened to int32 per chunk, and each group's int32 sum is converted once to fp32 and multiplied by
 * {@code weightScale · activationScale}. The rows of a tile are decoded to levels once per pass and reused for
 * every panel of tokens; the Vector API has no int8 dot-product (VNNI) operation, so the int16 multiply is what
 * the JIT can give.
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
            int xo = p * in * TS + lane;
            for (int k = 0; k < in; k++) pk.xs()[xo + k * TS] = (short) a.level(r, k);
            for (int b = 0; b < blocks; b++) pk.xd()[(p * blocks + b) * TS + lane] = a.scale(r, b * pk.block());
            for (int g = 0; g < groups; g++) {
                int c = g * pk.group(), sum = 0;
                for (int s = c; s < c + pk.group(); s += Int8Activations.SUM_GROUP) sum += a.sum16(r, s);
                pk.xg()[(p * groups + g) * TS + lane] = a.scale(r, c) * sum;
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
        for (int r = r0; r < r1; r += RB) {
            int nr = Math.min(RB, r1 - r);
            for (int j = 0; j < nr; j++) {
                Int8Weights.decode(f, w.data(), (r + j) * w.rowBytes(), blocks, lv, j * in, sc, of, j * groups);
            }
            for (int p = 0; p < pk.panels(); p++) {
                if (nr == RB) {
                    tile4(pk, p, lv, sc, of, chunk, offsets, tile);
                } else {
                    for (int j = 0; j < nr; j++) tile1(pk, p, lv, j, sc, of, chunk, offsets, tile);
                }
                int t0 = p * TS, nt = Math.min(TS, pk.n() - t0);
                for (int l = 0; l < nt; l++) {
                    int o = outOff + (t0 + l) * rows + r;
                    for (int j = 0; j < nr; j++) out[o + j] = tile[j * TS + l];
                }
            }
        }
    }

    private static IntVector lo(ShortVector s) {
        return (IntVector) s.convertShape(VectorOperators.S2I, IS, 0);
    }

    private static IntVector hi(ShortVector s) {
        return (IntVector) s.convertShape(VectorOperators.S2I, IS, 1);
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(FS, v);
    }

    private static FloatVector f(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    // tile (4, TS) = Σ_k levels of rows 0..3 × xs panel p, scaled per group
    private static void tile4(Packed pk, int p, short[] lv, float[] sc, float[] of, int chunk, boolean offsets,
                              float[] tile) {
        int in = pk.in(), group = pk.group(), groups = in / group, blocks = in / pk.block();
        short[] xs = pk.xs();
        int xo = p * in * TS, w1 = in, w2 = 2 * in, w3 = 3 * in;
        FloatVector a0 = FloatVector.zero(FS), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int g = 0; g < groups; g++) {
            IntVector i0 = IntVector.zero(IS), j0 = i0, i1 = i0, j1 = i0, i2 = i0, j2 = i0, i3 = i0, j3 = i0;
            for (int c = g * group, ce = c + group; c < ce; c += chunk) {
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
            int dOff = (p * blocks + g * group / pk.block()) * TS;
            FloatVector dl = FloatVector.fromArray(FS, pk.xd(), dOff), dh = FloatVector.fromArray(FS, pk.xd(), dOff + FL);
            a0 = f(i0).fma(dl.mul(sc[g]), a0); b0 = f(j0).fma(dh.mul(sc[g]), b0);
            a1 = f(i1).fma(dl.mul(sc[groups + g]), a1); b1 = f(j1).fma(dh.mul(sc[groups + g]), b1);
            a2 = f(i2).fma(dl.mul(sc[2 * groups + g]), a2); b2 = f(j2).fma(dh.mul(sc[2 * groups + g]), b2);
            a3 = f(i3).fma(dl.mul(sc[3 * groups + g]), a3); b3 = f(j3).fma(dh.mul(sc[3 * groups + g]), b3);
            if (offsets) {
                int gOff = (p * groups + g) * TS;
                FloatVector gl = FloatVector.fromArray(FS, pk.xg(), gOff), gh = FloatVector.fromArray(FS, pk.xg(), gOff + FL);
                a0 = gl.fma(bc(of[g]), a0); b0 = gh.fma(bc(of[g]), b0);
                a1 = gl.fma(bc(of[groups + g]), a1); b1 = gh.fma(bc(of[groups + g]), b1);
                a2 = gl.fma(bc(of[2 * groups + g]), a2); b2 = gh.fma(bc(of[2 * groups + g]), b2);
                a3 = gl.fma(bc(of[3 * groups + g]), a3); b3 = gh.fma(bc(of[3 * groups + g]), b3);
            }
        }
        a0.intoArray(tile, 0); b0.intoArray(tile, FL);
        a1.intoArray(tile, TS); b1.intoArray(tile, TS + FL);
        a2.intoArray(tile, 2 * TS); b2.intoArray(tile, 2 * TS + FL);
        a3.intoArray(tile, 3 * TS); b3.intoArray(tile, 3 * TS + FL);
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
