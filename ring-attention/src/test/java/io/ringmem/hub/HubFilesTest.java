package io.ringmem.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which files {@link HubFiles} picks from a listing. */
class HubFilesTest {
    private static final ModelSource.HubRepo REPO = new ModelSource.HubRepo("o", "n");

    private static RepoListing listing(String... names) {
        return new RepoListing(null, Arrays.stream(names).map(n -> new RepoListing.RepoFile(n, -1, null)).toList());
    }

    private static HubFiles.Weights pick(List<String> notices, String... names) {
        return HubFiles.weights(REPO, listing(names), notices::add);
    }

    @Test
    void metadataInFixedOrder() {
        assertEquals(List.of("config.json", "tokenizer.json", "tokenizer.model"),
                HubFiles.metadata(listing("tokenizer.model", "README.md", "tokenizer.json", "config.json", "vocab.txt")));
    }

    @Test
    void safetensorsBeforeIndexBeforeGguf() {
        List<String> notes = new ArrayList<>();
        assertEquals(new HubFiles.Weights("model.safetensors", HubFiles.Kind.SAFETENSORS),
                pick(notes, "config.json", "model.safetensors.index.json", "model.safetensors", "x.gguf"));
        assertEquals(new HubFiles.Weights("model.safetensors.index.json", HubFiles.Kind.SHARDED),
                pick(notes, "config.json", "model.safetensors.index.json", "x.gguf"));
        assertEquals(new HubFiles.Weights("x.gguf", HubFiles.Kind.GGUF), pick(notes, "x.gguf"));
        assertEquals(List.of(), notes);
    }

    @Test
    void ggufPreferenceIsDeterministic() {
        List<String> notes = new ArrayList<>();
        assertEquals("m.Q8_0.gguf", pick(notes, "m.Q4_0.gguf", "m.f16.gguf", "m.Q8_0.gguf", "m.Q4_K_M.gguf").file());
        assertEquals("m-f16.gguf", pick(notes, "m-bf16.gguf", "m-f16.gguf", "m-q4_0_4_4.gguf").file());
        assertEquals("a-BF16.gguf", pick(notes, "b-BF16.gguf", "a-BF16.gguf").file());
        assertEquals("m-q4_0.gguf", pick(notes, "m-q4_0.gguf", "mmproj-m-f16.gguf").file());
        assertEquals(3, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("hf:o/n has 4 GGUF files; using m.Q8_0.gguf"), notes.get(0));
    }

    @Test
    void ggufProblems() {
        RingmemException e = assertThrows(RingmemException.class, () -> pick(new ArrayList<>(), "m.Q4_K_M.gguf", "m.Q5_K_S.gguf"));
        assertEquals("hf:o/n (revision main) has several GGUF files and none of a type Ringmem reads "
                + "(Q8_0, F16, BF16, F32, Q4_0): m.Q4_K_M.gguf, m.Q5_K_S.gguf; download one and pass its path", e.getMessage());
        e = assertThrows(RingmemException.class, () -> pick(new ArrayList<>(), "m-00001-of-00002.gguf", "m-00002-of-00002.gguf"));
        assertTrue(e.getMessage().contains("only split or projector GGUF files"), e.getMessage());
    }

    @Test
    void unusableWeights() {
        RingmemException e = assertThrows(RingmemException.class,
                () -> pick(new ArrayList<>(), "config.json", "pytorch_model.bin", "training_args.bin"));
        assertEquals("hf:o/n (revision main) has only PyTorch weights (pytorch_model.bin, training_args.bin), which "
                + "Ringmem does not read; use a repository with model.safetensors or a GGUF file", e.getMessage());
        e = assertThrows(RingmemException.class, () -> pick(new ArrayList<>(), "model.safetensors", "tokenizer.json"));
        assertEquals("hf:o/n (revision main) has model.safetensors but no config.json", e.getMessage());
        e = assertThrows(RingmemException.class, () -> pick(new ArrayList<>()));
        assertTrue(e.getMessage().endsWith("it has: no files"), e.getMessage());
    }

    @Test
    void safeRelativeNames() {
        for (String ok : List.of("a.safetensors", "sub/a.safetensors", "a..b")) assertTrue(HubFiles.isSafeRelative(ok), ok);
        for (String bad : List.of("", "/a", "../a", "a/../b", "a//b", "./a", "a\\b", "a/", "c:x", "a\nb")) {
            assertFalse(HubFiles.isSafeRelative(bad), bad);
        }
    }

    @Test
    void listingJson() throws Exception {
        var json = new ObjectMapper().readTree("""
                {"sha": "0123456789abcdef0123456789abcdef01234567", "siblings": [
                  {"rfilename": "config.json", "size": 649},
                  {"rfilename": "model.safetensors", "size": 134, "lfs": {"sha256": "%s", "size": 2626168}},
                  {"rfilename": ""}, {"nope": 1}, {"rfilename": "README.md"}]}
                """.formatted("ab".repeat(32)));
        RepoListing l = RepoListing.fromJson(json);
        assertEquals("0123456789abcdef0123456789abcdef01234567", l.commit());
        assertEquals(List.of(new RepoListing.RepoFile("config.json", 649, null),
                new RepoListing.RepoFile("model.safetensors", 2626168, "ab".repeat(32)),
                new RepoListing.RepoFile("README.md", -1, null)), l.files());
        assertEquals(null, RepoListing.fromJson(new ObjectMapper()
                .readTree("{\"sha\": \"main\", \"siblings\": []}")).commit());
        assertThrows(IllegalArgumentException.class,
                () -> RepoListing.fromJson(new ObjectMapper().readTree("{}")));
    }
}
