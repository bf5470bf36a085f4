package io.ringmem.tokenizer;

import io.ringmem.RingmemException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 byte-level BPE (GGUF {@code tokenizer.ggml.model=gpt2}): tokens are written in {@link ByteUnicode}
 * characters and merges are applied by rank.
 *
 * <p>Encoding: control and user-defined tokens (types 3 and 4; without types, BOS and EOS) written literally in the
 * text are cut out first and mapped to their ids (leftmost-longest). The rest is split by the GPT-2 pattern
 * ({@link RegexSplitter#GPT2}); each piece's UTF-8 bytes become byte characters, and {@link BpeMerger} merges them
 * lowest rank first within the piece, so the cost is linear in the text length for bounded word lengths and
 * O(n log n) for one long word. No prefix space is added.
 *
 * <p>Decoding: normal tokens go back through the byte table and the bytes are decoded as UTF-8 at the end
 * (invalid sequences give U+FFFD); user-defined tokens give their text; control, unknown and unused tokens, BOS and
 * EOS give nothing; ids outside the vocabulary are skipped. {@code decodeToken} ignores {@code previous}.
 *
 * <p>Not supported: the pre-tokenizer patterns of later models (Llama 3, Qwen, …) that GGUF selects with
 * {@code tokenizer.ggml.pre}; this class always uses GPT-2's. Immutable and thread-safe.
 */
public final class Gpt2ByteBpe implements ContinuationDecoder {
    private static final byte NORMAL = 0;
    private static final byte SKIPPED = 1;
    private static final byte LITERAL = 2;

    private final String[] tokens;
    private final byte[] kind;
    private final int[] byteSymbol = new int[256];
    private final MergeRanks merges;
    private final SpecialTokenMatcher specials;
    private final int bos;
    private final int eos;
    private final boolean addBos;

    private Gpt2ByteBpe(String[] tokens, byte[] kind, MergeRanks merges, SpecialTokenMatcher specials,
                        Map<String, Integer> idOf, int bos, int eos, boolean addBos) {
        this.tokens = tokens;
        this.kind = kind;
        this.merges = merges;
        this.specials = specials;
        this.bos = bos;
        this.eos = eos;
        this.addBos = addBos;
        for (int b = 0; b < 256; b++) {
            Integer id = idOf.get(String.valueOf(ByteUnicode.charOf(b)));
            if (id == null) {
                throw new RingmemException("GPT-2 vocabulary lacks the token for byte 0x"
                        + String.format("%02X", b) + " ('" + ByteUnicode.charOf(b) + "')");
            }
            byteSymbol[b] = id;
        }
    }

    /**
     * A vocabulary from GGUF metadata: {@code tokenizer.ggml.tokens}, {@code .merges} ("left right", rank order),
     * {@code .token_type} (may be null), BOS/EOS ids (-1 for none).
     *
     * @throws RingmemException when a merge names a token not in the vocabulary, or a byte has no token
     */
    public static Gpt2ByteBpe fromGguf(String[] tokens, String[] merges, int[] tokenTypes, int bos, int eos,
                                       boolean addBos) {
        int n = tokens.length;
        if (tokenTypes != null && tokenTypes.length != n) {
            throw new IllegalArgumentException("GGUF vocabulary has " + n + " tokens but " + tokenTypes.length + " types");
        }
        Map<String, Integer> idOf = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) idOf.putIfAbsent(tokens[i], i);
        byte[] kind = new byte[n];
        List<SpecialTokenMatcher.Literal> literals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int type = tokenTypes == null ? (i == bos || i == eos ? 3 : 1) : tokenTypes[i];
            kind[i] = switch (type) {
                case 2, 3, 5 -> SKIPPED;
                case 4 -> LITERAL;
                default -> NORMAL;
            };
            if (i == bos || i == eos) kind[i] = SKIPPED;
            if (type == 3 || type == 4) literals.add(new SpecialTokenMatcher.Literal(tokens[i], i));
        }
        List<String[]> pairs = new ArrayList<>(merges.length);
        for (int r = 0; r < merges.length; r++) {
            String m = merges[r];
            int space = m.indexOf(' ', 1);
            if (space < 0) throw new RingmemException("GGUF merge " + r + " ('" + m + "') is not 'left right'");
            pairs.add(new String[] {m.substring(0, space), m.substring(space + 1)});
        }
        MergeRanks ranks = MergeRanks.of(pairs, idOf, "GGUF tokenizer.ggml.merges");
        return new Gpt2ByteBpe(tokens.clone(), kind, ranks, SpecialTokenMatcher.of(literals), idOf, bos, eos, addBos);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        List<String> words = new ArrayList<>();
        for (SpecialTokenMatcher.Segment seg : specials.split(text)) {
            if (seg.isToken()) {
                out.add(seg.id());
                continue;
            }
            words.clear();
            RegexSplitter.isolate(RegexSplitter.GPT2, seg.text(), words);
            for (String word : words) {
                byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
                int[] symbols = new int[utf8.length];
                for (int i = 0; i < utf8.length; i++) symbols[i] = byteSymbol[utf8[i] & 0xFF];
                out.addAll(BpeMerger.merge(symbols, merges));
            }
        }
        return out.toArray();
    }

    @Override
    public String decodeAfter(int previous, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (id < 0 || id >= tokens.length || kind[id] == SKIPPED) continue;
            if (kind[id] == LITERAL) out.writeBytes(tokens[id].getBytes(StandardCharsets.UTF_8));
            else ByteUnicode.appendBytes(tokens[id], out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return tokens.length;
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

    /** The vocabulary entry of {@code id} as stored (in byte characters). */
    public String token(int id) {
        return tokens[id];
    }
}
