package io.ringmem.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's reversible byte ↔ character table ({@code bytes_to_unicode}): printable bytes map to themselves, the
 * other 68 bytes to U+0100…U+0143 in byte order, so every byte string becomes a string of visible characters (a
 * space becomes {@code Ġ}, a newline {@code Ċ}). Byte-level BPE vocabularies are written in these characters.
 */
final class ByteUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteUnicode() {
    }

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not in the table. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The UTF-8 bytes of {@code text}, one table character per byte. */
    static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        return new String(out);
    }

    /**
     * Appends the bytes that {@code token} stands for. When some character of the token is not in the table, the
     * token's own UTF-8 bytes are appended instead (as Hugging Face's ByteLevel decoder does).
     */
    static void appendBytes(String token, ByteArrayOutputStream out) {
        for (int i = 0; i < token.length(); i++) {
            if (byteOf(token.charAt(i)) < 0) {
                out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        for (int i = 0; i < token.length(); i++) out.write(byteOf(token.charAt(i)));
    }
}
