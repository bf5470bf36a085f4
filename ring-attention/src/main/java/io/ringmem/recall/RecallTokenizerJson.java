package io.ringmem.recall;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recall model's {@code tokenizer.json}: a BPE model with whole-word vocabulary, no merges and
 * {@code ignore_merges: true} (so a word in the vocabulary is one token, as Llama-3's tokenizer does it), words split
 * on single spaces (a Split pre-tokenizer with behavior Removed), {@code <s>} prepended by the post-processor, no
 * decoder (tokens are joined with spaces). Unknown words become {@code <unk>}. Readable by Ringmem's
 * {@link io.ringmem.tokenizer.HfBpeTokenizer} and by Hugging Face {@code tokenizers} (0.19 or later, for
 * {@code ignore_merges}).
 */
final class RecallTokenizerJson {
    private RecallTokenizerJson() {
    }

    static Map<String, Object> tokenizer() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("version", "1.0");
        t.put("truncation", null);
        t.put("padding", null);
        t.put("added_tokens", List.of(added(RecallVocabulary.UNK), added(RecallVocabulary.BOS), added(RecallVocabulary.EOS)));
        t.put("normalizer", null);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("type", "Split");
        pre.put("pattern", Map.of("String", " "));
        pre.put("behavior", "Removed");
        pre.put("invert", false);
        t.put("pre_tokenizer", pre);
        Map<String, Object> bos = Map.of("SpecialToken", Map.of("id", "<s>", "type_id", 0));
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("type", "TemplateProcessing");
        post.put("single", List.of(bos, Map.of("Sequence", Map.of("id", "A", "type_id", 0))));
        post.put("pair", List.of(bos, Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
                Map.of("SpecialToken", Map.of("id", "<s>", "type_id", 1)), Map.of("Sequence", Map.of("id", "B", "type_id", 1))));
        post.put("special_tokens", Map.of("<s>", Map.of("id", "<s>", "ids", List.of(RecallVocabulary.BOS), "tokens", List.of("<s>"))));
        t.put("post_processor", post);
        t.put("decoder", null);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<unk>");
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", true);
        model.put("byte_fallback", false);
        model.put("ignore_merges", true);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < RecallShape.vocabSize(); id++) vocab.put(RecallVocabulary.name(id), id);
        model.put("vocab", vocab);
        model.put("merges", List.of());
        t.put("model", model);
        return t;
    }

    static Map<String, Object> tokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("bos_token", "<s>");
        c.put("eos_token", "</s>");
        c.put("unk_token", "<unk>");
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("model_max_length", 1 << 30);
        return c;
    }

    private static Map<String, Object> added(int id) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("content", RecallVocabulary.name(id));
        a.put("single_word", false);
        a.put("lstrip", false);
        a.put("rstrip", false);
        a.put("normalized", false);
        a.put("special", true);
        return a;
    }
}
