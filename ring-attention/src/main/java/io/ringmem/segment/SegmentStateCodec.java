package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;
import io.ringmem.ring.KvBlock;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of a {@link SegmentState}, for keeping it in a store: a versioned little-endian layout with bulk float
 * copies. Decoding checks the magic, version and every length against the buffer; a damaged state fails with a
 * one-line message instead of yielding a wrong state.
 */
public final class SegmentStateCodec {
    private static final int MAGIC = 0x52_4D_53_53; // "RMSS"
    private static final int VERSION = 2; // 2: block summaries carry their representative count
    private static final int MAGIC_SUMMARIES = 0x52_4D_53_43; // "RMSC": summaries with representative counts

    private SegmentStateCodec() {
    }

    public static byte[] encode(SegmentState s) {
        return encode(s, true);
    }

    /**
     * @param withSummaries false leaves the block summaries out (they decode as empty lists): for stores that keep
     *                      each segment's summaries apart ({@link #encodeSummaries}) so the state stays small
     */
    public static byte[] encode(SegmentState s, boolean withSummaries) {
        long size = 4 * 6; // magic, version, segmentsDone, nextPosition, layers, memory length
        for (int l = 0; l < s.layers(); l++) {
            size += blockSize(s.sinks()[l]) + blockSize(s.window()[l]) + 4;
            if (withSummaries) for (BlockSummary b : s.summaries().get(l)) size += 20 + 4L * b.meanKeys().length;
        }
        size += s.memory() == null ? 0 : 4L * s.memory().length;
        if (size > Integer.MAX_VALUE - 8) throw new RingmemException("segment state of " + size + " bytes is too large to store");
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(VERSION).putInt(s.segmentsDone()).putInt(s.nextPosition()).putInt(s.layers());
        for (int l = 0; l < s.layers(); l++) {
            putBlock(out, s.sinks()[l]);
            putBlock(out, s.window()[l]);
            putSummaries(out, withSummaries ? s.summaries().get(l) : List.of());
        }
        out.putInt(s.memory() == null ? -1 : s.memory().length);
        if (s.memory() != null) putFloats(out, s.memory());
        return out.array();
    }

    public static SegmentState decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (in.getInt() != MAGIC) throw new RingmemException("not a segment state (bad magic)");
            int version = in.getInt();
            if (version != VERSION) {
                throw new RingmemException("segment state version " + version + " is not supported (expected " + VERSION + ")");
            }
            int done = in.getInt(), next = in.getInt(), layers = count(in.getInt(), in, 1);
            KvBlock[] sinks = new KvBlock[layers], window = new KvBlock[layers];
            List<List<BlockSummary>> sums = new ArrayList<>(layers);
            for (int l = 0; l < layers; l++) {
                sinks[l] = getBlock(in, l);
                window[l] = getBlock(in, l);
                sums.add(getSummaries(in));
            }
            int m = in.getInt();
            float[] memory = m < 0 ? null : getFloats(in, count(m, in, 4));
            if (in.hasRemaining()) throw new RingmemException("segment state has " + in.remaining() + " trailing bytes");
            return new SegmentState(done, next, sinks, window, sums, memory);
        } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
            throw new RingmemException("damaged segment state: " + (e.getMessage() == null ? "truncated" : e.getMessage()));
        }
    }

    /** Bytes of per-layer block summaries (one segment's, say), in the same layout the state uses. */
    public static byte[] encodeSummaries(List<List<BlockSummary>> perLayer) {
        long size = 8;
        for (List<BlockSummary> l : perLayer) {
            size += 4;
            for (BlockSummary b : l) size += 20 + 4L * b.meanKeys().length;
        }
        if (size > Integer.MAX_VALUE - 8) throw new RingmemException("block summaries of " + size + " bytes are too large to store");
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC_SUMMARIES).putInt(perLayer.size());
        for (List<BlockSummary> l : perLayer) putSummaries(out, l);
        return out.array();
    }

    public static List<List<BlockSummary>> decodeSummaries(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (in.getInt() != MAGIC_SUMMARIES) throw new RingmemException("not block summaries (bad magic)");
            int layers = count(in.getInt(), in, 4);
            List<List<BlockSummary>> out = new ArrayList<>(layers);
            for (int l = 0; l < layers; l++) out.add(getSummaries(in));
            if (in.hasRemaining()) throw new RingmemException("block summaries have " + in.remaining() + " trailing bytes");
            return out;
        } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
            throw new RingmemException("damaged block summaries: " + (e.getMessage() == null ? "truncated" : e.getMessage()));
        }
    }

    private static void putSummaries(ByteBuffer out, List<BlockSummary> sums) {
        out.putInt(sums.size());
        for (BlockSummary b : sums) {
            out.putLong(b.blockId()).putInt(b.kvHeads()).putInt(b.headDim()).putInt(b.reps());
            putFloats(out, b.meanKeys());
        }
    }

    private static List<BlockSummary> getSummaries(ByteBuffer in) {
        int n = count(in.getInt(), in, 20);
        List<BlockSummary> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long id = in.getLong();
            int kvHeads = in.getInt(), headDim = in.getInt(), reps = in.getInt();
            if (kvHeads <= 0 || headDim <= 0 || reps <= 0) throw new RingmemException("damaged block summary shape");
            int floats = count(Math.multiplyExact(reps, Math.multiplyExact(kvHeads, headDim)), in, 4);
            list.add(new BlockSummary(id, kvHeads, headDim, getFloats(in, floats)));
        }
        return list;
    }

    private static long blockSize(KvBlock b) {
        return b == null ? 4 : 8 + 4L * (b.positions().length + (long) b.k().length + b.v().length);
    }

    private static void putBlock(ByteBuffer out, KvBlock b) {
        if (b == null) {
            out.putInt(-1);
            return;
        }
        out.putInt(b.tokens()).putInt(b.tokens() == 0 ? 0 : b.k().length / b.tokens());
        for (int p : b.positions()) out.putInt(p);
        putFloats(out, b.k());
        putFloats(out, b.v());
    }

    private static KvBlock getBlock(ByteBuffer in, int layer) {
        int n = in.getInt();
        if (n < 0) return null;
        int width = in.getInt();
        count(n, in, 4);
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = in.getInt();
        int floats = count(Math.multiplyExact(n, width), in, 8);
        return new KvBlock(layer, -1, pos, getFloats(in, floats), getFloats(in, floats));
    }

    private static void putFloats(ByteBuffer out, float[] a) {
        out.asFloatBuffer().put(a);
        out.position(out.position() + 4 * a.length);
    }

    private static float[] getFloats(ByteBuffer in, int n) {
        float[] a = new float[n];
        in.asFloatBuffer().get(a);
        in.position(in.position() + 4 * n);
        return a;
    }

    /** A count read from the buffer, checked to be non-negative and to fit in what is left. */
    private static int count(int n, ByteBuffer in, int minBytesEach) {
        if (n < 0 || (long) n * minBytesEach > in.remaining()) {
            throw new RingmemException("damaged segment state: count " + n + " exceeds the data");
        }
        return n;
    }
}
