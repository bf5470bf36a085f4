package io.ringmem.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The Hugging Face transformers (float64) outputs in reference/hf-transformers-reference.json. */
final class Reference {
    private static JsonNode root;

    private Reference() {
    }

    static synchronized JsonNode root() {
        if (root == null) {
            try {
                root = new ObjectMapper().readTree(TestData.reference().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) a[i] = array.get(i).asInt();
        return a;
    }

    static double[] doubles(JsonNode array) {
        double[] a = new double[array.size()];
        for (int i = 0; i < a.length; i++) a[i] = array.get(i).asDouble();
        return a;
    }
}
