package io.ringmem.spark;

import io.ringmem.forward.LogProbs;

import java.io.Serializable;

/**
 * What an analysis found for one document, whichever execution ran it; {@link ResultSchema#row} makes the output row.
 * A failed document has only {@code id} and {@code error}.
 *
 * @param tokens           N, the document's tokens (BOS included for text)
 * @param meanNll          mean of the N - 1 per-token NLL, nats
 * @param segments         segments the document was processed in (1 in the ring execution)
 * @param storeBytes       bytes of the compressed KV blocks stored for later segments
 * @param compressionRatio fp32 KV bytes / stored bytes (1 when nothing was stored)
 * @param nll              (N - 1) per-token NLL when asked for, else null
 * @param embedding        (dim) mean-pooled final hidden state for embed, else null
 */
record DocumentOutcome(String id, Integer tokens, Double meanNll, Integer segments, Long storeBytes, Double compressionRatio,
                       float[] nll, float[] embedding, String error) implements Serializable {
    static DocumentOutcome failed(String id, String error) {
        return new DocumentOutcome(id, null, null, null, null, null, null, null, error);
    }

    static DocumentOutcome of(String id, int tokens, double[] nll, int segments, long storeBytes, double compressionRatio,
                              boolean keepNll, float[] embedding) {
        return new DocumentOutcome(id, tokens, LogProbs.mean(nll), segments, storeBytes, compressionRatio,
                keepNll ? floats(nll) : null, embedding, null);
    }

    static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}
