package io.ringmem.recall;

import java.util.Map;

/**
 * The margins of the recall model, computed from the written float weights (not from the design), for documents
 * whose attention distances and attended positions are at most C. All logits are after the 1/sqrt(head_dim) scale.
 *
 * @param context             C
 * @param previousTokenMargin layer 0: {@code s(1) − max_{Δ∈[0,C], Δ≠1} s(Δ)} in nats (claimed ≥ ln C + 8)
 * @param previousTokenLeak   layer 0: {@code Σ_{Δ≠1} e^{s(Δ) − s(1)}} over Δ ∈ [0, C]: an upper bound on the
 *                            attention beside the previous token divided by the attention on it
 * @param needleLogit         layer 1: lower bound of the induction logit of the needle's answer position
 * @param distractorLogit     layer 1, distractor level 1: upper bound of the logit of any other position
 * @param plainLogit          layer 1, distractor level 0: upper bound of the logit of any other position
 * @param inductionMargin     level 1: {@code needleLogit − distractorLogit − ln C} (claimed ≥ 8): the needle holds
 *                            at least {@code 1/(1 + e^−margin)} of the attention among C positions
 * @param answerMargin        level 1 at C positions: lower bound of the answer logit minus any other token's
 * @param answerNllBound      upper bound of the answer's NLL at level 1 with C attended positions
 * @param maxDistractorOverlap max over keys and distractors of {@code code(K)·code(d)}
 * @param beta                β from the weights (smallest diagonal entry)
 * @param gamma               γ from the weights
 */
public record RecallMargins(int context, double previousTokenMargin, double previousTokenLeak, double needleLogit,
                            double distractorLogit, double plainLogit, double inductionMargin, double answerMargin,
                            double answerNllBound, double maxDistractorOverlap, double beta, double gamma) {
    /** The nats beyond ln C every margin is claimed to keep. */
    public static final double SAFETY = 8.0;

    /** True when the claims hold: previous-token margin ≥ ln C + 8, induction margin ≥ 8, answer margin > 0. */
    public boolean hold() {
        return previousTokenMargin >= Math.log(context) + SAFETY && inductionMargin >= SAFETY && answerMargin > 0;
    }

    public static RecallMargins of(Map<String, NamedTensor> w, RecallVocabulary vocab, int c) {
        int hd = RecallShape.HEAD_DIM, half = hd / 2;
        double eps = RecallShape.NORM_EPS, sqrtHd = Math.sqrt(hd);
        // layer 0: q and k of any token (every embedding has RMS 1; the norm scales the bias coordinate by 1/sqrt(1+eps))
        double xb = RecallWeights.BIAS / Math.sqrt(1 + eps);
        NamedTensor q0 = w.get("model.layers.0.self_attn.q_proj.weight"), k0 = w.get("model.layers.0.self_attn.k_proj.weight");
        double[] cosCoef = new double[half], sinCoef = new double[half];
        int used = 0;
        for (int j = 0; j < half; j++) {
            double qa = q0.at(j, RecallShape.BIAS) * xb, qb = q0.at(j + half, RecallShape.BIAS) * xb;
            double ka = k0.at(j, RecallShape.BIAS) * xb, kb = k0.at(j + half, RecallShape.BIAS) * xb;
            cosCoef[j] = (qa * ka + qb * kb) / sqrtHd;
            sinCoef[j] = (qa * kb - qb * ka) / sqrtHd;
            if (cosCoef[j] != 0 || sinCoef[j] != 0) used = j + 1;
        }
        double s1 = score(cosCoef, sinCoef, used, 1), maxOther = Double.NEGATIVE_INFINITY, leak = 0;
        for (int d = 0; d <= c; d++) {
            if (d == 1) continue;
            double s = score(cosCoef, sinCoef, used, d);
            maxOther = Math.max(maxOther, s);
            leak += Math.exp(s - s1);
        }
        double eps0 = leak / (1 + leak); // attention share beside the previous token, at most
        double delta = 2 * eps0;          // |P − T(previous token)| ≤ 2 eps0 (P is a convex mix of codes of norm ≤ 1)

        // layer 1: the bilinear form T·P of the induction head
        NamedTensor q1 = w.get("model.layers.1.self_attn.q_proj.weight"), k1 = w.get("model.layers.1.self_attn.k_proj.weight");
        double betaMin = Double.POSITIVE_INFINITY, betaMax = 0, offDiag = 0;
        for (int a = 0; a < RecallShape.CONTENT; a++) {
            for (int b = 0; b < RecallShape.CONTENT; b++) {
                double s = 0;
                for (int r = 0; r < hd; r++) s += (double) q1.at(r, RecallShape.T + a) * k1.at(r, RecallShape.P + b);
                s /= sqrtHd;
                if (a == b) {
                    betaMin = Math.min(betaMin, s);
                    betaMax = Math.max(betaMax, s);
                } else {
                    offDiag = Math.max(offDiag, Math.abs(s));
                }
            }
        }
        // RMS of a layer-1 input: sqrt(1 + |P|²/256) ≤ sqrt(1 + 1/256) (and the norm's eps only shrinks it)
        double r2 = 1 + 1.0 / RecallShape.DIM;
        double phi = RecallShape.theta(RecallShape.LOW_PAIR) * c; // largest rotation of the induction pairs
        double rot = betaMax * (1 - Math.cos(phi) + Math.sin(phi)) + offDiag * RecallShape.CONTENT;
        double needle = betaMin * (1 - delta) / (r2 + eps) - rot;
        double overlap = vocab.maxDistractorOverlap();
        double distractor = betaMax * (Math.max(overlap, 0) + delta) + rot;
        double plain = betaMax * (vocab.maxKeyOverlap() + delta) + rot;
        double margin = needle - distractor - Math.log(c);
        double p = 1 / (1 + Math.exp(-margin));

        NamedTensor head = w.get("lm_head.weight");
        double gamma = Double.POSITIVE_INFINITY;
        for (int v = 0; v < RecallShape.VALUES; v++) gamma = Math.min(gamma, head.at(RecallVocabulary.value(v), RecallShape.O + v));
        double r3 = 1 + 2.0 / RecallShape.DIM; // final RMS²: |P|² + |O|² ≤ 2 over 256
        double answer = gamma * p / Math.sqrt((r2 + eps) * (r3 + eps)) - gamma * (1 - p);
        double nll = Math.log1p((RecallShape.vocabSize() - 1) * Math.exp(-answer));
        return new RecallMargins(c, s1 - maxOther, leak, needle, distractor, plain, margin, answer, nll, overlap, betaMin, gamma);
    }

    private static double score(double[] cosCoef, double[] sinCoef, int used, int d) {
        double s = 0;
        for (int j = 0; j < used; j++) {
            double a = d * RecallShape.theta(j);
            s += cosCoef[j] * Math.cos(a) + sinCoef[j] * Math.sin(a);
        }
        return s;
    }
}
