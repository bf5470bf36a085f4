package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.ringmem.RingmemException;
import io.ringmem.ring.KvBlock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The wire format of the ring data plane. All integers and floats are little-endian.
 *
 * <pre>
 * frame  := length:i32 (bytes after this field; with it at most the max frame size) type:u8 body
 * CHALLENGE (4) := magic:i32 = 0x474E4952 ("RING") version:i32 = 2 challenge:u8[32]
 *               -- first frame of every connection, acceptor → connector
 * HELLO  (1) := magic:i32 version:i32 senderRank:i32 ringSize:i32 sessionId:str senderAddress:str
 *               nonce:u8[32] proof:u8[32]                -- connector → acceptor, the answer to CHALLENGE
 * PROOF  (5) := proof:u8[32]                              -- acceptor → connector, the answer to HELLO
 * BLOCK  (2) := layer:i32 sourceRank:i32 tokens:i32 floats:i32
 *               positions:i32[tokens] k:f32[floats] v:f32[floats]   -- k, v: (tokens, kvHeads, headDim)
 * END    (3) := aborted:u8 (0 or 1) reason:str           -- orderly end (0) or abort with a reason (1)
 * str    := bytes:i32 UTF-8[bytes]                       -- at most MAX_STRING_BYTES (HELLO: see below)
 * </pre>
 *
 * One TCP connection carries one session's link in one direction. <b>Handshake</b> (mutual, per connection): the
 * accepting side sends CHALLENGE (a fresh random nonce); the connecting side answers HELLO whose proof is
 * {@code HMAC-SHA256(key, "ringmem-ring-hello-v2" ‖ challenge ‖ len(sessionId):i32 ‖ senderRank:i32 ‖ ringSize:i32
 * ‖ sessionId ‖ nonce)}, {@code key} being the session's secret that the coordinator gave every rank; the acceptor
 * looks the session up among those opened on its server, compares the proof in constant time and answers PROOF =
 * the same HMAC with the label {@code "ringmem-ring-accept-v2"}, which the connector checks before it sends
 * anything else. Until then each side reads at most one bounded handshake frame at a time (HELLO at most
 * {@link #HELLO_MAX_BYTES} bytes: session id at most 1024 bytes, address at most {@link #MAX_ADDRESS_BYTES}) and
 * allocates nothing from a length the peer announces; a longer frame, any other frame, extra bytes, a wrong proof,
 * an unknown session or a missed deadline close the connection. After it the connector sends BLOCKs, then END,
 * each frame at most the session's max frame size; the acceptor may send an END with {@code aborted = 1} back on
 * the same connection to tell the sender it gave up.
 *
 * <p>Encoding writes into one exactly sized direct buffer from the given allocator with bulk copies of the arrays;
 * decoding copies into fresh arrays. {@link #decode} validates sizes against the frame actually received, so a
 * malformed header cannot make it allocate more than the frame holds; it throws a {@link RingmemException}
 * starting with {@code "malformed ring frame: "}. Not checked: that positions ascend, that {@code sourceRank} lies
 * in the ring, that floats are finite.
 */
public final class KvBlockFrames {
    public static final byte HELLO = 1;
    public static final byte BLOCK = 2;
    public static final byte END = 3;
    public static final byte CHALLENGE = 4;
    public static final byte PROOF = 5;
    public static final int MAGIC = 0x474E4952;
    public static final int VERSION = 2;
    /** Longest string field (session id, address, abort reason), in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 8192;
    /** Bytes of the length prefix. */
    public static final int LENGTH_BYTES = 4;
    /** Longest sender address in a HELLO, in UTF-8 bytes. */
    public static final int MAX_ADDRESS_BYTES = 256;
    /** Largest HELLO frame, length prefix included: the most a connection reads before it is authenticated. */
    public static final int HELLO_MAX_BYTES = LENGTH_BYTES + 1 + 16 + 4 + RingSession.MAX_SESSION_ID_BYTES + 4 + MAX_ADDRESS_BYTES
            + RingAuth.NONCE_BYTES + RingAuth.MAC_BYTES;
    /** Size of a CHALLENGE frame, length prefix included. */
    public static final int CHALLENGE_BYTES = LENGTH_BYTES + 1 + 8 + RingAuth.NONCE_BYTES;
    /** Size of a PROOF frame, length prefix included. */
    public static final int PROOF_BYTES = LENGTH_BYTES + 1 + RingAuth.MAC_BYTES;
    /** Largest END frame, length prefix included (the most a connector reads after the handshake). */
    public static final int END_MAX_BYTES = LENGTH_BYTES + 1 + 1 + 4 + MAX_STRING_BYTES;
    private static final int BLOCK_HEADER = 1 + 16;

    private KvBlockFrames() {
    }

    /** A decoded frame. */
    public sealed interface Frame permits Challenge, Hello, Proof, Block, End {
    }

    /** First frame of a connection, from the acceptor: the nonce the connector must prove the session key over. */
    public record Challenge(byte[] challenge) implements Frame {
    }

    /** The connector's answer: who sends, for which session and ring, its nonce and its proof of the session key. */
    public record Hello(String sessionId, int senderRank, int ringSize, String senderAddress, byte[] nonce, byte[] proof)
            implements Frame {
    }

    /** The acceptor's answer to a valid HELLO: its own proof of the session key. */
    public record Proof(byte[] proof) implements Frame {
    }

    public record Block(KvBlock block) implements Frame {
    }

    /** End of a session's link: orderly ({@code aborted == false}) or an abort with its reason. */
    public record End(boolean aborted, String reason) implements Frame {
        public static final End ORDERLY = new End(false, "");
    }

    /**
     * The handler that splits a connection's byte stream into frames of at most {@code maxFrameBytes} (length prefix
     * included) and passes on each frame's bytes after the prefix. It works like Netty's
     * {@code LengthFieldBasedFrameDecoder} with a little-endian 4-byte length, but allocates a large frame once at
     * its final size (measured: 2.5× less CPU per 16 MiB block than the growing cumulation of that decoder).
     */
    public static ChannelHandler newFrameDecoder(int maxFrameBytes) {
        return new FrameSplitter(maxFrameBytes);
    }

    /** Size of the BLOCK frame of {@code b}, length prefix included. */
    public static long blockFrameBytes(KvBlock b) {
        return LENGTH_BYTES + BLOCK_HEADER + 4L * b.positions().length + 8L * b.k().length;
    }

    /**
     * Size of the BLOCK frame of {@code tokens} tokens of {@code kvDim} floats each (k and v), length prefix
     * included, capped at {@link Integer#MAX_VALUE}: the max frame size of a session whose largest block that is.
     */
    public static int blockFrameBytes(int tokens, int kvDim) {
        return (int) Math.min(Integer.MAX_VALUE, LENGTH_BYTES + BLOCK_HEADER + 4L * tokens + 8L * tokens * kvDim);
    }

    /**
     * @throws RingmemException if the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf encodeBlock(ByteBufAllocator alloc, KvBlock b, int maxFrameBytes) {
        long total = blockFrameBytes(b);
        if (total > maxFrameBytes) {
            throw new RingmemException("KV block of layer " + b.layer() + " (" + b.tokens() + " tokens) needs a frame of "
                    + total + " bytes, over the ring's max frame size of " + maxFrameBytes + " bytes");
        }
        ByteBuf buf = alloc.directBuffer((int) total, (int) total);
        try {
            buf.writeIntLE((int) (total - LENGTH_BYTES)).writeByte(BLOCK)
                    .writeIntLE(b.layer()).writeIntLE(b.sourceRank()).writeIntLE(b.positions().length).writeIntLE(b.k().length);
            writeInts(buf, b.positions());
            writeFloats(buf, b.k());
            writeFloats(buf, b.v());
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    public static ByteBuf encodeChallenge(ByteBufAllocator alloc, byte[] challenge) {
        ByteBuf buf = alloc.directBuffer(CHALLENGE_BYTES);
        buf.writeIntLE(CHALLENGE_BYTES - LENGTH_BYTES).writeByte(CHALLENGE).writeIntLE(MAGIC).writeIntLE(VERSION)
                .writeBytes(fixed(challenge, RingAuth.NONCE_BYTES, "challenge"));
        return buf;
    }

    /** HELLO; the session id must fit {@link RingSession#MAX_SESSION_ID_BYTES}, the address is cut to fit. */
    public static ByteBuf encodeHello(ByteBufAllocator alloc, Hello h) {
        byte[] id = utf8(h.sessionId(), RingSession.MAX_SESSION_ID_BYTES), addr = utf8(h.senderAddress(), MAX_ADDRESS_BYTES);
        int body = 1 + 16 + 4 + id.length + 4 + addr.length + RingAuth.NONCE_BYTES + RingAuth.MAC_BYTES;
        ByteBuf buf = alloc.directBuffer(LENGTH_BYTES + body);
        buf.writeIntLE(body).writeByte(HELLO).writeIntLE(MAGIC).writeIntLE(VERSION).writeIntLE(h.senderRank()).writeIntLE(h.ringSize());
        buf.writeIntLE(id.length).writeBytes(id).writeIntLE(addr.length).writeBytes(addr);
        buf.writeBytes(fixed(h.nonce(), RingAuth.NONCE_BYTES, "nonce")).writeBytes(fixed(h.proof(), RingAuth.MAC_BYTES, "proof"));
        return buf;
    }

    public static ByteBuf encodeProof(ByteBufAllocator alloc, byte[] proof) {
        ByteBuf buf = alloc.directBuffer(PROOF_BYTES);
        buf.writeIntLE(PROOF_BYTES - LENGTH_BYTES).writeByte(PROOF).writeBytes(fixed(proof, RingAuth.MAC_BYTES, "proof"));
        return buf;
    }

    private static byte[] fixed(byte[] b, int len, String what) {
        if (b == null || b.length != len) throw new IllegalArgumentException(what + " must have " + len + " bytes");
        return b;
    }

    public static ByteBuf encodeEnd(ByteBufAllocator alloc, End e) {
        byte[] reason = utf8(e.reason(), MAX_STRING_BYTES);
        int body = 1 + 1 + 4 + reason.length;
        ByteBuf buf = alloc.directBuffer(LENGTH_BYTES + body);
        buf.writeIntLE(body).writeByte(END).writeByte(e.aborted() ? 1 : 0).writeIntLE(reason.length).writeBytes(reason);
        return buf;
    }

    /**
     * Decodes one frame (the bytes after the length prefix), reading all of {@code frame}. Does not release it.
     *
     * @throws RingmemException "malformed ring frame: ..." on any inconsistency
     */
    public static Frame decode(ByteBuf frame) {
        if (!frame.isReadable()) throw malformed("empty frame");
        byte type = frame.readByte();
        Frame f = switch (type) {
            case CHALLENGE -> decodeChallenge(frame);
            case HELLO -> decodeHello(frame);
            case PROOF -> new Proof(readBytes(frame, RingAuth.MAC_BYTES, "PROOF"));
            case BLOCK -> decodeBlock(frame);
            case END -> decodeEnd(frame);
            default -> throw malformed("unknown frame type " + type);
        };
        if (frame.isReadable()) throw malformed(frame.readableBytes() + " unexpected bytes after a frame of type " + type);
        return f;
    }

    private static Challenge decodeChallenge(ByteBuf f) {
        need(f, 8, "CHALLENGE header");
        checkMagic(f.readIntLE(), f.readIntLE());
        return new Challenge(readBytes(f, RingAuth.NONCE_BYTES, "challenge"));
    }

    private static Hello decodeHello(ByteBuf f) {
        need(f, 16, "HELLO header");
        checkMagic(f.readIntLE(), f.readIntLE());
        int rank = f.readIntLE(), size = f.readIntLE();
        if (size < 1 || rank < 0 || rank >= size) throw malformed("HELLO from rank " + rank + " of a ring of " + size);
        String id = readString(f, "session id", RingSession.MAX_SESSION_ID_BYTES);
        if (id.isBlank()) throw malformed("HELLO with a blank session id");
        String address = readString(f, "sender address", MAX_ADDRESS_BYTES);
        return new Hello(id, rank, size, address, readBytes(f, RingAuth.NONCE_BYTES, "nonce"), readBytes(f, RingAuth.MAC_BYTES, "proof"));
    }

    private static void checkMagic(int magic, int version) {
        if (magic != MAGIC) throw malformed("not a ringmem ring connection (magic 0x" + Integer.toHexString(magic) + ")");
        if (version != VERSION) throw malformed("ring protocol version " + version + ", this build speaks " + VERSION);
    }

    private static byte[] readBytes(ByteBuf f, int len, String what) {
        need(f, len, what);
        byte[] b = new byte[len];
        f.readBytes(b);
        return b;
    }

    private static Block decodeBlock(ByteBuf f) {
        need(f, 16, "BLOCK header");
        int layer = f.readIntLE(), source = f.readIntLE(), tokens = f.readIntLE(), floats = f.readIntLE();
        if (tokens < 0 || floats < 0) throw malformed("BLOCK with " + tokens + " tokens and " + floats + " floats");
        if (tokens > 0 && floats % tokens != 0) {
            throw malformed("BLOCK of " + floats + " floats does not split over " + tokens + " tokens");
        }
        long expected = 4L * tokens + 8L * floats;
        if (f.readableBytes() != expected) {
            throw malformed("BLOCK of " + tokens + " tokens and 2×" + floats + " floats needs " + expected
                    + " payload bytes, the frame has " + f.readableBytes());
        }
        int[] positions = new int[tokens];
        float[] k = new float[floats], v = new float[floats];
        readInts(f, positions);
        readFloats(f, k);
        readFloats(f, v);
        return new Block(new KvBlock(layer, source, positions, k, v));
    }

    private static End decodeEnd(ByteBuf f) {
        need(f, 1, "END flag");
        byte aborted = f.readByte();
        if (aborted != 0 && aborted != 1) throw malformed("END with flag " + aborted);
        return new End(aborted == 1, readString(f, "END reason", MAX_STRING_BYTES));
    }

    private static void writeInts(ByteBuf buf, int[] a) {
        int bytes = 4 * a.length;
        if (buf.nioBufferCount() == 1) {
            buf.nioBuffer(buf.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(a);
            buf.writerIndex(buf.writerIndex() + bytes);
        } else {
            ByteBuffer tmp = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            tmp.asIntBuffer().put(a);
            buf.writeBytes(tmp);
        }
    }

    private static void writeFloats(ByteBuf buf, float[] a) {
        int bytes = 4 * a.length;
        if (buf.nioBufferCount() == 1) {
            buf.nioBuffer(buf.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(a);
            buf.writerIndex(buf.writerIndex() + bytes);
        } else {
            ByteBuffer tmp = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            tmp.asFloatBuffer().put(a);
            buf.writeBytes(tmp);
        }
    }

    // nioBuffer(index, length) is a view for single-buffer ByteBufs and a merged copy otherwise: fine for reading.
    private static void readInts(ByteBuf buf, int[] a) {
        int bytes = 4 * a.length;
        buf.nioBuffer(buf.readerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(a);
        buf.skipBytes(bytes);
    }

    private static void readFloats(ByteBuf buf, float[] a) {
        int bytes = 4 * a.length;
        buf.nioBuffer(buf.readerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        buf.skipBytes(bytes);
    }

    private static String readString(ByteBuf f, String what, int max) {
        need(f, 4, what + " length");
        int len = f.readIntLE();
        if (len < 0 || len > max) throw malformed(what + " of " + len + " bytes");
        need(f, len, what);
        String s = f.toString(f.readerIndex(), len, StandardCharsets.UTF_8);
        f.skipBytes(len);
        return s;
    }

    private static void need(ByteBuf f, int bytes, String what) {
        if (f.readableBytes() < bytes) throw malformed("frame ends inside the " + what);
    }

    /** UTF-8 of {@code s}, cut to {@code max} bytes (on a character boundary) so it always decodes. */
    private static byte[] utf8(String s, int max) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) return b;
        int end = max;
        while (end > 0 && (b[end] & 0xC0) == 0x80) end--; // do not split a multi-byte character
        return Arrays.copyOf(b, end);
    }

    private static RingmemException malformed(String detail) {
        return new RingmemException("malformed ring frame: " + detail);
    }
}
