package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.RingmemException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code model} of a Hugging Face {@code tokenizer.json} of type BPE: vocabulary, ranked merges,
 * {@code byte_fallback}, {@code unk_token}, {@code fuse_unk} and {@code ignore_merges}, applied to one
 * pre-tokenized word as the library's {@code BPE::merge_word} does. {@code dropout} is ignored (treated as 0, so
 * encoding is deterministic); {@code continuing_subword_prefix} and {@code end_of_word_suffix} are rejected.
 */
final class HfBpeModel {
    /** Token ids are below this (a vocabulary of 16M entries; larger ids are refused as implausible). */
    static final int MAX_ID = 1 << 24;
    private final Map<String, Integer> vocab;
    // id -> token: a map, not an array, as ids need not be dense (an array sized by the largest id let a 66-byte
    // tokenizer.json allocate 64 MB)
    private final Map<Integer, String> tokenOf;
    private final MergeRanks merges;
    private final boolean byteFallback;
    private final int unk;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final int[] byteToken = new int[256];
    private final int maxId;

    private HfBpeModel(Map<String, Integer> vocab, MergeRanks merges, boolean byteFallback, int unk, boolean fuseUnk,
                       boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.byteFallback = byteFallback;
        this.unk = unk;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        int max = -1;
        for (int id : vocab.values()) max = Math.max(max, id);
        if (max >= MAX_ID) throw new RingmemException("BPE vocabulary id " + max + " is implausibly large");
        this.maxId = max;
        this.tokenOf = new HashMap<>(vocab.size() * 2);
        vocab.forEach((token, id) -> tokenOf.put(id, token));
        for (int b = 0; b < 256; b++) byteToken[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
    }

    static HfBpeModel parse(JsonNode model, String where) {
        String type = HfJson.type(model);
        if (!type.equals("BPE") && !(type.isEmpty() && model.has("merges"))) {
            throw new RingmemException(where + ": unsupported tokenizer model type '" + type + "' (only BPE)");
        }
        for (String field : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            String v = HfJson.text(model, field);
            if (v != null && !v.isEmpty()) throw new RingmemException(where + ": BPE " + field + " is not supported");
        }
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject()) throw new RingmemException(where + ": model.vocab is missing or not an object");
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            int id = e.getValue().asInt(-1);
            if (id < 0) throw new RingmemException(where + ": vocab entry '" + e.getKey() + "' has no valid id");
            vocab.put(e.getKey(), id);
        }
        List<String[]> pairs = new ArrayList<>();
        for (JsonNode m : model.path("merges")) pairs.add(mergePair(m, pairs.size(), where));
        String unkToken = HfJson.text(model, "unk_token");
        int unk = -1;
        if (unkToken != null) {
            Integer id = vocab.get(unkToken);
            if (id == null) throw new RingmemException(where + ": unk_token '" + unkToken + "' is not in the vocabulary");
            unk = id;
        }
        return new HfBpeModel(vocab, MergeRanks.of(pairs, vocab, where), HfJson.bool(model, "byte_fallback", false),
                unk, HfJson.bool(model, "fuse_unk", false), HfJson.bool(model, "ignore_merges", false));
    }

    private static String[] mergePair(JsonNode m, int rank, String where) {
        if (m.isArray() && m.size() == 2) return new String[] {m.get(0).asText(), m.get(1).asText()};
        if (m.isTextual()) {
            String[] parts = m.asText().split(" ", -1);
            if (parts.length == 2) return parts;
        }
        throw new RingmemException(where + ": merge " + rank + " is neither \"a b\" nor [a, b]: " + m);
    }

    /** Appends the token ids of one word. */
    void tokenize(String word, IntList out) {
        if (word.isEmpty()) return;
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        IntList symbols = new IntList(word.length());
        boolean pendingUnk = false;
        for (int i = 0; i < word.length(); ) {
            int len = Character.charCount(word.codePointAt(i));
            String ch = word.substring(i, i + len);
            i += len;
            Integer id = vocab.get(ch);
            if (id != null) {
                if (pendingUnk) symbols.add(unk);
                pendingUnk = false;
                symbols.add(id);
                continue;
            }
            if (byteFallback && addBytes(ch, symbols, pendingUnk)) {
                pendingUnk = false;
                continue;
            }
            if (unk >= 0) {
                if (pendingUnk && !fuseUnk) symbols.add(unk);
                pendingUnk = true;
            }
        }
        if (pendingUnk) symbols.add(unk);
        out.addAll(BpeMerger.merge(symbols.toArray(), merges));
    }

    /** Adds the byte tokens of {@code ch} when the vocabulary has all of them. */
    private boolean addBytes(String ch, IntList symbols, boolean pendingUnk) {
        byte[] utf8 = ch.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) if (byteToken[b & 0xFF] < 0) return false;
        if (pendingUnk) symbols.add(unk);
        for (byte b : utf8) symbols.add(byteToken[b & 0xFF]);
        return true;
    }

    /** The token string of {@code id}, or null when the vocabulary has no such id. */
    String token(int id) {
        return tokenOf.get(id);
    }

    Integer id(String token) {
        return vocab.get(token);
    }

    int maxId() {
        return maxId;
    }
}
