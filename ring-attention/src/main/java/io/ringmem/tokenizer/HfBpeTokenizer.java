package io.ringmem.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Hugging Face {@code tokenizer.json} with a BPE model, run as the {@code tokenizers} library runs it.
 *
 * <p>Encoding: added tokens with {@code normalized=false} are cut out of the raw text; each remaining piece is
 * normalized ({@link HfNormalizer}), added tokens with {@code normalized=true} are cut out of the normalized text
 * (matching their normalized content, as the library does), the rest is pre-tokenized ({@link HfPreTokenizer})
 * and each word is merged by rank ({@link HfBpeModel}). Added-token matching is leftmost-longest with
 * {@code lstrip}, {@code rstrip} and {@code single_word}. {@code encode} never adds BOS/EOS; the post-processor
 * is read only to find BOS. Cost: O(n log n) per word, so a tokenizer without pre-tokenizer (one word per text) is
 * still O(n log n) in the text length.
 *
 * <p>Decoding: special added tokens are skipped (like {@code skip_special_tokens=True}), other added tokens give
 * their content, ids unknown to the vocabulary are skipped, then the {@link HfDecoder} chain runs.
 *
 * <p>Not supported (rejected with a {@link RingmemException} naming the component): other model types
 * (WordPiece, Unigram, WordLevel), BPE with a subword prefix or word suffix, Replace/normalizers with Regex
 * patterns, other normalizers, pre-tokenizers and decoders. Not applied: BPE {@code dropout} (encoding is
 * deterministic) and transformers' {@code clean_up_tokenization_spaces} (decoding keeps the text as is).
 * Immutable and thread-safe.
 */
public final class HfBpeTokenizer implements ContinuationDecoder {
    private static final List<String> BOS_NAMES = List.of("<s>", "<|begin_of_text|>", "<|startoftext|>");
    private static final List<String> EOS_NAMES = List.of("</s>", "<|end_of_text|>", "<|endoftext|>");

    private final HfBpeModel model;
    private final HfNormalizer normalizer;
    private final HfPreTokenizer preTokenizer;
    private final HfDecoder decoder;
    private final SpecialTokenMatcher rawMatcher;
    private final SpecialTokenMatcher normalizedMatcher;
    private final Map<Integer, AddedToken> added;
    private final int bos;
    private final int eos;
    private final boolean addBos;
    private final int vocabSize;

    private record AddedToken(int id, String content, boolean special, boolean normalized, boolean lstrip,
                              boolean rstrip, boolean singleWord) {
        SpecialTokenMatcher.Literal literal(String text) {
            return new SpecialTokenMatcher.Literal(text, id, lstrip, rstrip, singleWord);
        }
    }

    private HfBpeTokenizer(HfBpeModel model, HfNormalizer normalizer, HfPreTokenizer preTokenizer, HfDecoder decoder,
                           Map<Integer, AddedToken> added, int bos, int eos, boolean addBos) {
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.decoder = decoder;
        this.added = Map.copyOf(added);
        this.bos = bos;
        this.eos = eos;
        this.addBos = addBos;
        List<SpecialTokenMatcher.Literal> raw = new ArrayList<>();
        List<SpecialTokenMatcher.Literal> normalized = new ArrayList<>();
        int max = model.maxId();
        for (AddedToken t : added.values()) {
            if (t.normalized()) normalized.add(t.literal(normalizer.normalize(t.content())));
            else raw.add(t.literal(t.content()));
            max = Math.max(max, t.id());
        }
        this.rawMatcher = SpecialTokenMatcher.of(raw);
        this.normalizedMatcher = SpecialTokenMatcher.of(normalized);
        this.vocabSize = max + 1;
    }

    /**
     * Loads {@code tokenizer.json} and, when given and present, {@code tokenizer_config.json} ({@code bos_token},
     * {@code eos_token} as a string or {@code {"content": ...}}, {@code add_bos_token}). Without those settings BOS
     * comes from the post-processor template, else from an added token named like {@code <s>}; EOS from an added
     * token named like {@code </s>}; add-BOS from whether the template starts with BOS.
     *
     * @throws RingmemException naming the file when it cannot be read, is not JSON, or uses an unsupported component
     */
    public static HfBpeTokenizer fromFile(Path tokenizerJson, Path tokenizerConfigJson) {
        JsonNode root = readJson(tokenizerJson);
        JsonNode config = tokenizerConfigJson != null && Files.exists(tokenizerConfigJson)
                ? readJson(tokenizerConfigJson) : null;
        return fromTree(root, config, tokenizerJson.toString());
    }

    /**
     * {@link #fromFile} on the bytes of a {@code tokenizer.json} (no {@code tokenizer_config.json}); {@code where} names
     * the source in errors.
     *
     * @throws RingmemException when the bytes are not JSON or the tokenizer uses an unsupported component
     */
    static HfBpeTokenizer fromJson(byte[] tokenizerJson, String where) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson);
        } catch (IOException e) {
            throw new RingmemException("cannot read tokenizer file " + where + ": " + describe(e), e);
        }
        if (root == null) throw new RingmemException(where + ": empty tokenizer file");
        return fromTree(root, null, where);
    }

    private static HfBpeTokenizer fromTree(JsonNode root, JsonNode config, String where) {
        if (!root.isObject() || !root.has("model")) throw new RingmemException(where + ": no 'model' object");
        HfBpeModel model = HfBpeModel.parse(root.get("model"), where);
        HfNormalizer normalizer = HfNormalizer.parse(root.get("normalizer"), where);
        HfPreTokenizer preTokenizer = HfPreTokenizer.parse(root.get("pre_tokenizer"), where);
        HfDecoder decoder = HfDecoder.parse(root.get("decoder"), where);

        Map<Integer, AddedToken> added = new HashMap<>();
        Map<String, Integer> addedIds = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = HfJson.requiredText(t, "content", where + ": added token");
            int id = HfJson.integer(t, "id", -1);
            if (id < 0 || id >= HfBpeModel.MAX_ID) {
                throw new RingmemException(where + ": added token '" + content + "' has no valid id (0.." + (HfBpeModel.MAX_ID - 1) + ")");
            }
            added.put(id, new AddedToken(id, content, HfJson.bool(t, "special", false),
                    HfJson.bool(t, "normalized", true), HfJson.bool(t, "lstrip", false),
                    HfJson.bool(t, "rstrip", false), HfJson.bool(t, "single_word", false)));
            addedIds.putIfAbsent(content, id);
        }
        Function<String, Integer> idOf = name -> {
            if (name == null) return null;
            Integer id = addedIds.get(name);
            return id != null ? id : model.id(name);
        };

        int templateBos = templateBos(root.get("post_processor"));
        Integer bos = config == null ? null : idOf.apply(tokenName(config.get("bos_token")));
        if (bos == null && templateBos >= 0) bos = templateBos;
        for (int i = 0; bos == null && i < BOS_NAMES.size(); i++) bos = addedIds.get(BOS_NAMES.get(i));
        Integer eos = config == null ? null : idOf.apply(tokenName(config.get("eos_token")));
        for (int i = 0; eos == null && i < EOS_NAMES.size(); i++) eos = addedIds.get(EOS_NAMES.get(i));
        int bosId = bos == null ? -1 : bos;
        boolean addBos = config != null && config.hasNonNull("add_bos_token")
                ? config.get("add_bos_token").asBoolean()
                : bosId >= 0 && templateBos == bosId;
        return new HfBpeTokenizer(model, normalizer, preTokenizer, decoder, added, bosId, eos == null ? -1 : eos,
                addBos);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        List<String> words = new ArrayList<>();
        boolean first = true;
        for (SpecialTokenMatcher.Segment raw : rawMatcher.split(text)) {
            if (raw.isToken()) {
                out.add(raw.id());
                first = false;
                continue;
            }
            for (SpecialTokenMatcher.Segment seg : normalizedMatcher.split(normalizer.normalize(raw.text()))) {
                if (seg.isToken()) {
                    out.add(seg.id());
                } else {
                    words.clear();
                    preTokenizer.split(seg.text(), first, words);
                    for (String w : words) model.tokenize(w, out);
                }
                first = false;
            }
        }
        return out.toArray();
    }

    @Override
    public String decodeAfter(int previous, int[] ids) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            AddedToken a = added.get(id);
            if (a != null) {
                if (!a.special()) tokens.add(a.content());
                continue;
            }
            String t = model.token(id);
            if (t != null) tokens.add(t);
        }
        return decoder.decode(tokens, previous < 0 || previous == bos);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
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

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new RingmemException("cannot read tokenizer file " + file + ": " + describe(e), e);
        }
    }

    /** One line: Jackson's message without its source excerpt. */
    private static String describe(IOException e) {
        String m = e instanceof JsonProcessingException j && j.getOriginalMessage() != null ? j.getOriginalMessage()
                : String.valueOf(e.getMessage());
        return m.replace('\r', ' ').replace('\n', ' ');
    }

    /** A special-token setting: a string, or an object with {@code content}; null when absent. */
    private static String tokenName(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        return HfJson.text(node, "content");
    }

    /** The id of the SpecialToken a TemplateProcessing's {@code single} template starts with, or -1. */
    private static int templateBos(JsonNode pp) {
        if (pp == null || pp.isNull()) return -1;
        if (HfJson.type(pp).equals("Sequence")) {
            for (JsonNode p : pp.path("processors")) {
                int id = templateBos(p);
                if (id >= 0) return id;
            }
            return -1;
        }
        if (!HfJson.type(pp).equals("TemplateProcessing")) return -1;
        JsonNode firstPiece = pp.path("single").path(0);
        String name = firstPiece.path("SpecialToken").path("id").asText(null);
        if (name == null) return -1;
        JsonNode ids = pp.path("special_tokens").path(name).path("ids");
        return ids.isArray() && !ids.isEmpty() ? ids.get(0).asInt(-1) : -1;
    }
}
