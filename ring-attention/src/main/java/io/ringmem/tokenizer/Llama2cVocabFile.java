package io.ringmem.tokenizer;

import io.ringmem.RingmemException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The contents of a llama2.c {@code tokenizer.bin}: an int32 {@code max_token_length}, then per token a float32
 * score, an int32 byte length and the piece's bytes, all little-endian. Pieces are decoded as UTF-8 (invalid
 * bytes become U+FFFD). Bytes after the last expected entry are ignored, as llama2.c does.
 */
record Llama2cVocabFile(String[] pieces, float[] scores, int maxTokenLength) {
    private static final int MAX_PIECE_BYTES = 1 << 16;

    /** @throws RingmemException when the file cannot be read or is too short or malformed for {@code vocabSize} */
    static Llama2cVocabFile read(Path file, int vocabSize) {
        if (vocabSize <= 0) {
            throw new RingmemException("tokenizer file " + file + ": vocabulary size must be positive, got " + vocabSize);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RingmemException("cannot read tokenizer file " + file + ": " + e, e);
        }
        return parse(file, bytes, vocabSize);
    }

    /**
     * {@link #read} on the file's bytes; {@code file} only names it in errors.
     *
     * @throws RingmemException when the bytes are too short or malformed for {@code vocabSize}
     */
    static Llama2cVocabFile parse(Path file, byte[] bytes, int vocabSize) {
        if (vocabSize <= 0) {
            throw new RingmemException("tokenizer file " + file + ": vocabulary size must be positive, got " + vocabSize);
        }
        // every entry takes at least 8 bytes: refuse a vocabulary the file cannot hold before sizing arrays by it
        if (vocabSize > (bytes.length - 4L) / 8) {
            throw new RingmemException("tokenizer file " + file + " is truncated: " + bytes.length + " bytes cannot hold "
                    + vocabSize + " tokens (at least " + (4 + 8L * vocabSize) + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) throw truncated(file, "the header", bytes.length);
        int maxLen = buf.getInt();
        String[] pieces = new String[vocabSize];
        float[] scores = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            if (buf.remaining() < 8) throw truncated(file, "token " + i + " of " + vocabSize, bytes.length);
            scores[i] = buf.getFloat();
            int len = buf.getInt();
            if (len < 0 || len > MAX_PIECE_BYTES) {
                throw new RingmemException("tokenizer file " + file + " is not a llama2.c tokenizer: token " + i
                        + " has length " + len);
            }
            if (buf.remaining() < len) throw truncated(file, "token " + i + " of " + vocabSize, bytes.length);
            byte[] piece = new byte[len];
            buf.get(piece);
            pieces[i] = new String(piece, StandardCharsets.UTF_8);
        }
        return new Llama2cVocabFile(pieces, scores, maxLen);
    }

    private static RingmemException truncated(Path file, String what, int size) {
        return new RingmemException("tokenizer file " + file + " is truncated: it ends (" + size
                + " bytes) inside " + what);
    }
}
