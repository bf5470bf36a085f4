package io.ringmem.it.containers;

import io.ringmem.it.ItPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The tinystories-656k entry of reference/hf-transformers-reference.json ({@code tinystories656k_512}): 512 token
 * ids (starting with BOS), the per-position NLL that Hugging Face transformers computed in float64 for positions
 * 1..511, and their mean. The same data the ring-attention module's TinyStoriesReferenceTest checks against.
 */
record HfReference(int[] ids, double[] nll, double meanNll) {
    /** Tolerance of the NLL comparisons, as in the ring-attention reference tests. */
    static final double NLL_TOLERANCE = 1e-4;

    /** Reads the entry from the shared test data folder. */
    static HfReference tinyStories512() {
        try {
            JsonNode ref = new ObjectMapper().readTree(ItPaths.reference().toFile()).get("tinystories656k_512");
            int[] ids = new int[ref.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = ref.get("ids").get(i).asInt();
            double[] nll = new double[ref.get("nll").size()];
            for (int i = 0; i < nll.length; i++) nll[i] = ref.get("nll").get(i).asDouble();
            return new HfReference(ids, nll, ref.get("mean_nll").asDouble());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code n} ids. */
    int[] prefix(int n) {
        return Arrays.copyOf(ids, n);
    }

    /**
     * The mean NLL of the first {@code n} tokens scored alone: a causal model predicts each of their n-1 next tokens
     * from the same left context as in the full text, so it is the mean of the first n-1 reference NLLs.
     */
    double prefixMeanNll(int n) {
        return Arrays.stream(nll, 0, n - 1).average().orElseThrow();
    }

    /** The ids repeated {@code times} times back to back: a long document for multi-segment jobs. */
    int[] repeated(int times) {
        int[] out = new int[ids.length * times];
        for (int t = 0; t < times; t++) System.arraycopy(ids, 0, out, t * ids.length, ids.length);
        return out;
    }
}
