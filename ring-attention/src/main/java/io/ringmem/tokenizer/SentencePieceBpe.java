package io.ringmem.tokenizer;

import io.ringmem.RingmemException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * SentencePiece-style BPE with piece scores, as llama2.c's {@code encode}/{@code decode} run it (GGUF
 * {@code tokenizer.ggml.model=llama}).
 *
 * <p>Encoding: the text gets a dummy-prefix space (unless switched off, and not for empty text); each UTF-8
 * character becomes the token whose piece is that character, or else its bytes' {@code <0xXX>} tokens (or UNK
 * when the vocabulary lacks those); then, repeatedly, the adjacent pair whose concatenated piece is in the vocabulary
 * with the highest score is merged, the leftmost pair on ties. The merge loop uses {@link BpeMerger}'s heap, so a
 * text of n characters costs O(n log n) and the result is identical to llama2.c's quadratic rescan; no chunking.
 * Control tokens written in the text are not recognised (they are encoded as ordinary text).
 *
 * <p>Decoding: byte tokens give raw bytes, decoded as UTF-8 at the end (invalid sequences give U+FFFD); control,
 * unknown and unused tokens give nothing; the first piece of a decode, or a piece right after BOS, loses one
 * leading space when the dummy prefix is on. Pieces from GGUF write space as {@code ▁} (U+2581); llama2.c files
 * use a literal space. Ids outside the vocabulary are skipped. Immutable and thread-safe.
 *
 * <p>Not guaranteed: equality with the {@code sentencepiece} library itself, which also normalizes the text
 * (NFKC, whitespace folding) and may resegment; this class follows llama2.c.
 */
public final class SentencePieceBpe implements ContinuationDecoder {
    private static final byte NORMAL = 0;
    private static final byte SKIPPED = 1;
    private static final byte BYTE = 2;
    private static final char META_SPACE = '\u2581';

    private final String[] pieces;
    private final int[] rank;
    private final byte[] kind;
    private final int[] byteValue;
    private final int[] byteToken;
    private final Map<String, Integer> idOf;
    private final boolean metaSpace;
    private final boolean addDummyPrefix;
    private final int bos;
    private final int eos;
    private final int unk;
    private final boolean addBos;
    private final BpeMerger.MergeRule mergeRule;

    private SentencePieceBpe(String[] pieces, int[] rank, byte[] kind, boolean metaSpace, boolean addDummyPrefix,
                             int bos, int eos, int unk, boolean addBos) {
        int n = pieces.length;
        this.pieces = pieces;
        this.kind = kind;
        this.metaSpace = metaSpace;
        this.addDummyPrefix = addDummyPrefix;
        this.bos = bos;
        this.eos = eos;
        this.unk = unk;
        this.addBos = addBos;
        this.rank = rank;
        this.idOf = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) idOf.putIfAbsent(pieces[i], i);
        this.byteValue = new int[n];
        for (int i = 0; i < n; i++) byteValue[i] = kind[i] == BYTE ? parseByteToken(pieces[i]) : -1;
        this.byteToken = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = idOf.get(String.format("<0x%02X>", b));
            byteToken[b] = id == null ? -1 : id;
        }
        this.mergeRule = (left, right) -> {
            Integer id = idOf.get(this.pieces[left].concat(this.pieces[right]));
            return id == null ? BpeMerger.MergeRule.NONE : BpeMerger.MergeRule.pack(rank[id], id);
        };
    }

    /**
     * Reads a llama2.c {@code tokenizer.bin} with {@code vocabSize} entries (UNK=0, BOS=1, EOS=2; byte tokens are
     * recognised by their {@code <0xXX>} pieces).
     *
     * @throws RingmemException naming the file when it cannot be read, is truncated or malformed
     */
    public static SentencePieceBpe fromLlama2c(Path tokBin, int vocabSize) {
        return fromLlama2c(Llama2cVocabFile.read(tokBin, vocabSize));
    }

    /** The tokenizer of a parsed llama2.c {@code tokenizer.bin}. */
    static SentencePieceBpe fromLlama2c(Llama2cVocabFile file) {
        int vocabSize = file.pieces().length;
        String[] pieces = file.pieces();
        byte[] kind = new byte[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            kind[i] = i <= 2 ? SKIPPED : parseByteToken(pieces[i]) >= 0 ? BYTE : NORMAL;
        }
        return new SentencePieceBpe(pieces, ranksByScore(file.scores()), kind, false, true, vocabSize > 1 ? 1 : -1,
                vocabSize > 2 ? 2 : -1, 0, true);
    }

    /**
     * A vocabulary from GGUF metadata ({@code tokenizer.ggml.tokens}, {@code .scores}, {@code .token_type}; space
     * written as {@code ▁}). Token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. Without
     * types, BOS/EOS/UNK are the control tokens and byte tokens are recognised by their {@code <0xXX>} pieces.
     * {@code bos}, {@code eos}, {@code unk} may be -1 for none.
     *
     * @throws IllegalArgumentException when the arrays disagree in length
     */
    public static SentencePieceBpe fromGguf(String[] tokens, float[] scores, int[] tokenTypes, int bos, int eos,
                                            int unk, boolean addBos) {
        int n = tokens.length;
        if (scores.length != n || (tokenTypes != null && tokenTypes.length != n)) {
            throw new IllegalArgumentException("GGUF vocabulary arrays differ in length: " + n + " tokens, "
                    + scores.length + " scores" + (tokenTypes == null ? "" : ", " + tokenTypes.length + " types"));
        }
        byte[] kind = new byte[n];
        for (int i = 0; i < n; i++) {
            if (tokenTypes == null) {
                kind[i] = i == bos || i == eos || i == unk ? SKIPPED : parseByteToken(tokens[i]) >= 0 ? BYTE : NORMAL;
            } else {
                kind[i] = switch (tokenTypes[i]) {
                    case 2, 3, 5 -> SKIPPED;
                    case 6 -> parseByteToken(tokens[i]) >= 0 ? BYTE : NORMAL;
                    default -> NORMAL;
                };
            }
        }
        return new SentencePieceBpe(tokens.clone(), ranksByScore(scores), kind, true, true, bos, eos, unk, addBos);
    }

    /** This vocabulary with the dummy-prefix space on or off (GGUF {@code tokenizer.ggml.add_space_prefix}). */
    public SentencePieceBpe withAddDummyPrefix(boolean on) {
        return new SentencePieceBpe(pieces, rank, kind, metaSpace, on, bos, eos, unk, addBos);
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) return new int[0];
        String s = addDummyPrefix ? " " + text : text;
        if (metaSpace) s = s.replace(' ', META_SPACE);
        IntList symbols = new IntList(s.length() + 1);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            String ch = s.substring(i, i + len);
            i += len;
            Integer id = idOf.get(ch);
            if (id != null) {
                symbols.add(id);
                continue;
            }
            for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                int t = byteToken[b & 0xFF];
                if (t >= 0) symbols.add(t);
                else if (unk >= 0) symbols.add(unk);
            }
        }
        return BpeMerger.merge(symbols.toArray(), mergeRule);
    }

    @Override
    public String decodeAfter(int previous, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        boolean atStart = previous < 0 || previous == bos;
        for (int id : ids) {
            if (id < 0 || id >= pieces.length) continue;
            if (kind[id] == SKIPPED) {
                if (id == bos) atStart = true;
                continue;
            }
            if (kind[id] == BYTE) {
                out.write(byteValue[id]);
            } else {
                String piece = metaSpace ? pieces[id].replace(META_SPACE, ' ') : pieces[id];
                if (atStart && addDummyPrefix && piece.startsWith(" ")) piece = piece.substring(1);
                out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
            }
            atStart = false;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public boolean addBos() {
        return addBos && bos >= 0;
    }

    /** The UNK id, or -1. */
    public int unk() {
        return unk;
    }

    /** Whether encoding puts a space in front of the text. */
    public boolean addDummyPrefix() {
        return addDummyPrefix;
    }

    /** The vocabulary entry of {@code id} as stored (GGUF: with {@code ▁}). */
    public String piece(int id) {
        return pieces[id];
    }

    /** Ranks by descending score, equal scores sharing a rank (so ties go to the leftmost pair, as in llama2.c). */
    private static int[] ranksByScore(float[] scores) {
        int n = scores.length;
        float[] norm = new float[n];
        for (int i = 0; i < n; i++) {
            float s = scores[i] + 0.0f; // -0.0 == 0.0, as llama2.c's float comparison has it
            norm[i] = Float.isNaN(s) ? Float.NEGATIVE_INFINITY : s;
        }
        float[] sorted = norm.clone();
        Arrays.sort(sorted);
        int unique = 0;
        for (int i = 0; i < n; i++) {
            if (unique == 0 || sorted[i] != sorted[unique - 1]) sorted[unique++] = sorted[i];
        }
        float[] distinct = Arrays.copyOf(sorted, unique);
        int[] rank = new int[n];
        for (int i = 0; i < n; i++) rank[i] = unique - 1 - Arrays.binarySearch(distinct, norm[i]);
        return rank;
    }

    /** The byte of a {@code <0xXX>} piece, or -1. */
    private static int parseByteToken(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') return -1;
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
