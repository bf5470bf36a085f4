package io.ringmem.forward;

/** Log-probabilities from a row of logits, in double precision. */
public final class LogProbs {
    private LogProbs() {
    }

    /** {@code -log softmax(logits[off .. off+vocab))[target]}, stable for any logit range. */
    public static double nll(float[] logits, int off, int vocab, int target) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[off + i]);
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[off + i] - max);
        return max + Math.log(sum) - logits[off + target];
    }

    /** Mean of per-token NLLs (NaN for none). */
    public static double mean(double[] nll) {
        double s = 0;
        for (double v : nll) s += v;
        return s / nll.length;
    }
}
