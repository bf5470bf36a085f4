package io.ringmem.worker;

import io.ringmem.RingmemException;
import io.ringmem.forward.KvCache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bytes of one rank's KV shard of a segment (fp32, exact), as it waits in the store for the segment to be
 * finalized. Layout, little-endian: magic "RMSH" (distinct from a stored block's "RMKV"), layers, tokens, kvDim,
 * positions (tokens), then per layer k and v (tokens, kvDim) each.
 */
public final class ShardKvCodec {
    private static final int MAGIC = 0x48_53_4D_52; // bytes "RMSH" little-endian: not KvHeader's "RMKV"

    private ShardKvCodec() {
    }

    public static byte[] encode(KvCache cache, int kvDim) {
        int n = cache.size(), layers = cache.layers();
        long size = 16 + 4L * n + 8L * layers * n * kvDim;
        if (size > Integer.MAX_VALUE - 8) {
            throw new RingmemException("a KV shard of " + size + " bytes is too large; use more workers or shorter segments");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(layers).putInt(n).putInt(kvDim);
        for (int i = 0; i < n; i++) out.putInt(cache.positions()[i]);
        for (int l = 0; l < layers; l++) {
            put(out, cache.keys(l), n * kvDim);
            put(out, cache.values(l), n * kvDim);
        }
        return out.array();
    }

    public static KvCache decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 16 || in.getInt() != MAGIC) throw new RingmemException("damaged KV shard (bad header)");
        int layers = in.getInt(), n = in.getInt(), kvDim = in.getInt();
        if (layers < 0 || n < 0 || kvDim < 0 || 16 + 4L * n + 8L * layers * n * kvDim != bytes.length) {
            throw new RingmemException("damaged KV shard: " + bytes.length + " bytes for " + layers + " layers of " + n + " tokens");
        }
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = in.getInt();
        float[][] k = new float[layers][], v = new float[layers][];
        for (int l = 0; l < layers; l++) {
            k[l] = get(in, n * kvDim);
            v[l] = get(in, n * kvDim);
        }
        return KvCache.of(pos, k, v, kvDim);
    }

    private static void put(ByteBuffer out, float[] a, int count) {
        out.asFloatBuffer().put(a, 0, count);
        out.position(out.position() + 4 * count);
    }

    private static float[] get(ByteBuffer in, int count) {
        float[] a = new float[count];
        in.asFloatBuffer().get(a);
        in.position(in.position() + 4 * count);
        return a;
    }
}
