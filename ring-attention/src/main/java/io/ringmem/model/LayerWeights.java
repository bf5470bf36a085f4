package io.ringmem.model;

import io.ringmem.tensor.Matrix;

/**
 * One transformer block's weights. Matrices are {@code (out, in)} row-major, so {@code y = x · Wᵀ}.
 *
 * @param attnNorm (dim) RMSNorm weight before attention
 * @param wq       (heads·headDim, dim)
 * @param wk       (kvHeads·headDim, dim)
 * @param wv       (kvHeads·headDim, dim)
 * @param wo       (dim, heads·headDim)
 * @param ffnNorm  (dim) RMSNorm weight before the feed-forward
 * @param w1       (hiddenDim, dim) gate projection
 * @param w2       (dim, hiddenDim) down projection
 * @param w3       (hiddenDim, dim) up projection
 */
public record LayerWeights(float[] attnNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo,
                           float[] ffnNorm, Matrix w1, Matrix w2, Matrix w3) {
}
