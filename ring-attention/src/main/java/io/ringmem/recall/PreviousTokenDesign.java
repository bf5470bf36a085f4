package io.ringmem.recall;

import java.util.Arrays;

/**
 * The previous-token head's position-only score, chosen for a context C.
 *
 * <p>Score of a query at position p for a key at p − Δ (after the 1/sqrt(head_dim) scale):
 * {@code s(Δ) = A · Σ_{j<J} a_j cos(θ_j (Δ − 1))} with {@code a_0 = w}, {@code a_j = (1 − w)/(J − 1)} for
 * {@code 0 < j < J} (so {@code Σ a_j = 1}). s peaks at Δ = 1. The relative margin
 * {@code ρ = 1 − max_{Δ ∈ [0, C], Δ ≠ 1} Σ a_j cos(θ_j (Δ − 1))} is positive because pair J − 1 turns by less than a
 * full circle over C while pair 0 (1 rad per position) separates the neighbours Δ = 0 and Δ = 2. J and w are picked
 * by search (J around the number of pairs with θ_j·C ≥ 1, w on a grid of 0.20..0.70), then A is set so that the
 * absolute margin is {@code A·ρ = ln C + SAFETY + 0.5}: at most C positions then hold at most e^−SAFETY of the attention
 * beside the previous token.
 *
 * @param pairs J, the RoPE pairs used (0..J−1)
 * @param w     the weight of pair 0
 * @param scale A
 * @param rho   the relative margin found by the search
 */
public record PreviousTokenDesign(int pairs, double w, double scale, double rho) {
    /** Nats beyond ln C that the previous token's score beats every other position's by. */
    public static final double SAFETY = 8.0;
    /** Extra nats of the design over the claim, so float32 rounding of the weights cannot take the margin below it. */
    static final double SLACK = 0.5;

    /** a_j. */
    public double weight(int j) {
        return j == 0 ? w : (1 - w) / (pairs - 1);
    }

    /** The design for context {@code c}. */
    public static PreviousTokenDesign forContext(int c) {
        int j0 = 0;
        while (j0 < RecallShape.LOW_PAIR && RecallShape.theta(j0) * c >= 1) j0++;
        int bestJ = -1;
        double bestW = 0, bestRho = Double.NEGATIVE_INFINITY;
        for (int j = Math.max(3, j0 - 2); j <= Math.min(RecallShape.LOW_PAIR, j0 + 2); j++) {
            double[] ws = new double[26];
            for (int i = 0; i < ws.length; i++) ws[i] = 0.20 + 0.02 * i;
            double[] rho = relativeMargins(j, ws, c);
            for (int i = 0; i < ws.length; i++) {
                if (rho[i] > bestRho) {
                    bestRho = rho[i];
                    bestJ = j;
                    bestW = ws[i];
                }
            }
        }
        return new PreviousTokenDesign(bestJ, bestW, (Math.log(c) + SAFETY + SLACK) / bestRho, bestRho);
    }

    /**
     * For each candidate w: {@code 1 − max_{d ∈ [1, c]} (w cos(θ_0 d) + (1−w)/(J−1) Σ_{0<j<J} cos(θ_j d))}. The
     * cosines advance by complex rotation, renormalized every 4096 steps (error below 1e-9 over 2^24 steps).
     */
    static double[] relativeMargins(int pairs, double[] ws, int c) {
        double[] re = new double[pairs], im = new double[pairs], cr = new double[pairs], ci = new double[pairs];
        for (int j = 0; j < pairs; j++) {
            cr[j] = Math.cos(RecallShape.theta(j));
            ci[j] = Math.sin(RecallShape.theta(j));
            re[j] = 1;
        }
        double[] max = new double[ws.length];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int d = 1; d <= c; d++) {
            double rest = 0;
            for (int j = 0; j < pairs; j++) {
                double r = re[j] * cr[j] - im[j] * ci[j];
                im[j] = re[j] * ci[j] + im[j] * cr[j];
                re[j] = r;
                if (j > 0) rest += r;
            }
            if ((d & 4095) == 0) {
                for (int j = 0; j < pairs; j++) {
                    double n = Math.hypot(re[j], im[j]);
                    re[j] /= n;
                    im[j] /= n;
                }
            }
            rest /= pairs - 1;
            for (int i = 0; i < ws.length; i++) {
                double f = ws[i] * re[0] + (1 - ws[i]) * rest;
                if (f > max[i]) max[i] = f;
            }
        }
        double[] rho = new double[ws.length];
        for (int i = 0; i < ws.length; i++) rho[i] = 1 - max[i];
        return rho;
    }
}
