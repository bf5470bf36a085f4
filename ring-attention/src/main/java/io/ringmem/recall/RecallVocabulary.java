package io.ringmem.recall;

import java.util.Random;

/**
 * The recall model's tokens and their codes. Ids: {@code <unk>} 0, {@code <s>} 1 (BOS), {@code </s>} 2, then keys
 * {@code K0..K63}, values {@code V0..V62}, plain fillers {@code f0..f199}, distractor fillers {@code d0..d255}.
 *
 * <p>Codes (in the content space T of {@link RecallShape#CONTENT} dims): keys are the rows of a seeded random
 * orthogonal matrix (unit, pairwise orthogonal); distractors are seeded random unit vectors (the same norm as a key,
 * random directions, so they overlap every key a little); every other token has content 0. Immutable.
 */
public final class RecallVocabulary {
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int FIRST_KEY = 3;
    public static final int FIRST_VALUE = FIRST_KEY + RecallShape.KEYS;
    public static final int FIRST_FILLER = FIRST_VALUE + RecallShape.VALUES;
    public static final int FIRST_DISTRACTOR = FIRST_FILLER + RecallShape.FILLERS;

    private final double[][] keyCodes;        // (KEYS, CONTENT)
    private final double[][] distractorCodes; // (DISTRACTORS, CONTENT)

    public RecallVocabulary(long seed) {
        Random r = new Random(seed);
        this.keyCodes = orthonormalRows(RecallShape.KEYS, RecallShape.CONTENT, r);
        this.distractorCodes = new double[RecallShape.DISTRACTORS][];
        for (int i = 0; i < distractorCodes.length; i++) distractorCodes[i] = unit(gaussian(RecallShape.CONTENT, r));
    }

    /** The name of token {@code id} in tokenizer.json. */
    public static String name(int id) {
        if (id == UNK) return "<unk>";
        if (id == BOS) return "<s>";
        if (id == EOS) return "</s>";
        if (id < FIRST_VALUE) return "K" + (id - FIRST_KEY);
        if (id < FIRST_FILLER) return "V" + (id - FIRST_VALUE);
        if (id < FIRST_DISTRACTOR) return "f" + (id - FIRST_FILLER);
        return "d" + (id - FIRST_DISTRACTOR);
    }

    public static int key(int i) {
        return FIRST_KEY + i;
    }

    public static int value(int i) {
        return FIRST_VALUE + i;
    }

    public static boolean isValue(int id) {
        return id >= FIRST_VALUE && id < FIRST_FILLER;
    }

    /** The content code of token {@code id} (a copy; zeros for tokens without one). */
    public double[] content(int id) {
        if (id >= FIRST_KEY && id < FIRST_VALUE) return keyCodes[id - FIRST_KEY].clone();
        if (id >= FIRST_DISTRACTOR && id < RecallShape.vocabSize()) return distractorCodes[id - FIRST_DISTRACTOR].clone();
        return new double[RecallShape.CONTENT];
    }

    /** max over keys i and distractors d of {@code code(K_i) · code(d)}: how close a distractor comes to a key. */
    public double maxDistractorOverlap() {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] k : keyCodes) for (double[] d : distractorCodes) max = Math.max(max, dot(k, d));
        return max;
    }

    /** max over distinct keys of {@code |code(K_i) · code(K_j)|} (0 up to rounding: the keys are orthonormal). */
    public double maxKeyOverlap() {
        double max = 0;
        for (int i = 0; i < keyCodes.length; i++) {
            for (int j = i + 1; j < keyCodes.length; j++) max = Math.max(max, Math.abs(dot(keyCodes[i], keyCodes[j])));
        }
        return max;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] gaussian(int n, Random r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(dot(v, v));
        for (int i = 0; i < v.length; i++) v[i] /= n;
        return v;
    }

    /** Gram-Schmidt (twice, for accuracy) on seeded Gaussian rows: {@code rows ≤ cols} orthonormal rows. */
    private static double[][] orthonormalRows(int rows, int cols, Random r) {
        double[][] q = new double[rows][];
        for (int i = 0; i < rows; i++) {
            double[] v = gaussian(cols, r);
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < i; j++) {
                    double p = dot(v, q[j]);
                    for (int c = 0; c < cols; c++) v[c] -= p * q[j][c];
                }
            }
            q[i] = unit(v);
        }
        return q;
    }
}
