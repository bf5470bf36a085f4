package io.ringmem.kv;

/**
 * The result of decoding one encoded block.
 *
 * @param codec   name of the codec that wrote the bytes
 * @param n       tokens
 * @param kvHeads KV heads
 * @param headDim head dimension
 * @param k       (n, kvHeads, headDim) keys
 * @param v       (n, kvHeads, headDim) values
 */
public record DecodedKv(String codec, int n, int kvHeads, int headDim, float[] k, float[] v) {
}
