package io.ringmem.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * Fuzzes Hugging Face {@code tokenizer.json} loading ({@link HfBpeTokenizer#fromJson}: model, normalizer,
 * pre-tokenizer, decoder, added tokens, post-processor) and then encodes and decodes a fixed text with what it
 * loaded: any bytes give a working tokenizer or a {@link RingmemException}, within the allocation budget of
 * {@link FuzzContract}. Seeds: small tokenizers in the shapes of real ones (SentencePiece-style with byte fallback
 * as tinystories-656k, GPT-2 byte-level, Metaspace with a Split).
 */
class HfTokenizerFuzzTest {
    private static final String TEXT = "Once upon a time, Lily saw a ünïcödé cat 🐈 <s> 123\n\tend</s>";

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(loads(), 2000, this::loads);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void loads(byte[] data) throws Exception {
        FuzzContract.check(data.length, FuzzContract.only(RingmemException.class), () -> {
            HfBpeTokenizer t = HfBpeTokenizer.fromJson(data, "fuzz/tokenizer.json");
            int[] ids = t.encode(TEXT);
            t.decode(ids);
            t.decode(new int[] {0, 1, 2, 3, -1, Integer.MAX_VALUE, t.vocabSize() - 1});
            if (t.vocabSize() < 0) throw new AssertionError("negative vocabulary size " + t.vocabSize());
        });
    }

    static Stream<Arguments> loads() {
        return Stream.of(SENTENCEPIECE, BYTE_LEVEL, METASPACE)
                .map(s -> Arguments.of((Object) s.getBytes(StandardCharsets.UTF_8)));
    }

    /** tinystories-656k's components with a tiny vocabulary. */
    static final String SENTENCEPIECE = """
            {"version": "1.0", "added_tokens": [
              {"id": 0, "content": "<unk>", "special": true, "normalized": true},
              {"id": 1, "content": "<s>", "special": true, "normalized": false, "lstrip": true},
              {"id": 2, "content": "</s>", "special": true, "normalized": false, "rstrip": true, "single_word": true}],
             "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
               {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
             "pre_tokenizer": null,
             "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
               {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {"<s>": {"id": "<s>", "ids": [1]}}},
             "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
               {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
             "model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true,
               "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x41>": 3, "<0xC3>": 4, "▁": 5, "O": 6, "n": 7, "c": 8, "e": 9,
                 "▁O": 10, "nc": 11, "▁Onc": 12, "▁Once": 13},
               "merges": ["▁ O", "n c", "▁O nc", ["▁Onc", "e"]]}}
            """;

    /** GPT-2 style: byte-level pre-tokenizer and decoder, NFC, merges as pairs. */
    static final String BYTE_LEVEL = """
            {"added_tokens": [{"id": 9, "content": "<|endoftext|>", "special": true, "normalized": false}],
             "normalizer": {"type": "NFC"},
             "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
             "decoder": {"type": "ByteLevel"},
             "model": {"type": "BPE", "ignore_merges": true,
               "vocab": {"O": 0, "n": 1, "c": 2, "e": 3, "Ġ": 4, "On": 5, "ce": 6, "Once": 7, "Ġa": 8},
               "merges": [["O", "n"], ["c", "e"], ["On", "ce"], ["Ġ", "a"]]}}
            """;

    /** Metaspace with a Split stage, Lowercase and Strip normalizers, Metaspace decoder. */
    static final String METASPACE = """
            {"normalizer": {"type": "Sequence", "normalizers": [{"type": "Lowercase"}, {"type": "Strip"}, {"type": "NFKC"}]},
             "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
               {"type": "Split", "pattern": {"Regex": "\\\\d"}, "behavior": "Isolated"},
               {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true}]},
             "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first"},
             "model": {"vocab": {"▁": 0, "o": 1, "n": 2, "▁o": 3, "1": 4}, "merges": ["▁ o"]}}
            """;
}
