package io.ringmem.hub;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSourceTest {
    @Test
    void localPaths() {
        assertEquals(new ModelSource.LocalPath(Path.of("../shared/models/tinystories-656k")),
                ModelSource.parse("../shared/models/tinystories-656k"));
        assertEquals(new ModelSource.LocalPath(Path.of("/abs/model.gguf")), ModelSource.parse("/abs/model.gguf"));
        assertInstanceOf(ModelSource.LocalPath.class, ModelSource.parse("hfmodel/x"));
    }

    @Test
    void hubRepos() {
        assertEquals(new ModelSource.HubRepo("TinyLlama", "TinyLlama-1.1B-Chat-v1.0", "main"),
                ModelSource.parse("hf:TinyLlama/TinyLlama-1.1B-Chat-v1.0"));
        assertEquals(new ModelSource.HubRepo("org", "name.v2_x", "v1.0"), ModelSource.parse("hf:org/name.v2_x@v1.0"));
        assertEquals(new ModelSource.HubRepo("org", "name", "refs/pr/3"), ModelSource.parse("hf:org/name@refs/pr/3"));
        ModelSource.HubRepo r = (ModelSource.HubRepo) ModelSource.parse("hf:a/b@0123abc");
        assertEquals("a/b", r.repoId());
        assertEquals("hf:a/b (revision 0123abc)", r.describe());
    }

    @Test
    void toStringParsesBack() {
        for (String s : List.of("hf:a/b", "hf:a/b@dev", "hf:a/b@refs/pr/1")) {
            assertEquals(s, ModelSource.parse(s).toString());
            assertEquals(ModelSource.parse(s), ModelSource.parse(ModelSource.parse(s).toString()));
        }
        assertEquals("hf:a/b", ModelSource.parse("hf:a/b@main").toString());
    }

    @Test
    void badSpecsGiveOneLineMessages() {
        assertMessage("", "empty model spec: expected a path or hf:ORG/NAME[@REVISION]");
        assertMessage("hf:", "model spec 'hf:' must be hf:ORG/NAME[@REVISION] (for example hf:TinyLlama/TinyLlama-1.1B-Chat-v1.0)");
        assertMessage("hf:gpt2",
                "model spec 'hf:gpt2' must be hf:ORG/NAME[@REVISION] (for example hf:TinyLlama/TinyLlama-1.1B-Chat-v1.0)");
        assertMessage("hf:a/b/c",
                "model spec 'hf:a/b/c' must be hf:ORG/NAME[@REVISION] (for example hf:TinyLlama/TinyLlama-1.1B-Chat-v1.0)");
        assertMessage("hf:a/b@", "model spec 'hf:a/b@' has an empty revision after '@'");
        assertMessage("hf:/b", "model spec 'hf:/b': organization is empty");
        assertMessage("hf:a/", "model spec 'hf:a/': repository name is empty");
        assertMessage("hf:a b/c", "model spec 'hf:a b/c': organization 'a b' may only contain letters, digits, '.', '_' "
                + "and '-', must start with a letter or digit and must not contain \"..\"");
        assertMessage("hf:-a/b", null);
        assertMessage("hf:a/.b", null);
        assertMessage("hf:a/b..c", null);
        assertMessage("hf:a/b@../x", null);
        assertMessage("hf:a/b@x//y", null);
        assertMessage("hf:a/b@x/", null);
        assertMessage("hf:a/" + "n".repeat(97), "model spec 'hf:a/" + "n".repeat(97) + "': repository name '"
                + "n".repeat(97) + "' is longer than 96 characters");
        assertMessage("bad\0path", null);
    }

    private static void assertMessage(String spec, String expected) {
        RingmemException e = assertThrows(RingmemException.class, () -> ModelSource.parse(spec), spec);
        if (expected != null) assertEquals(expected, e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        // RingmemException shows control characters as escapes (a NUL as \u0000), so the message stays one printable line
        if (!spec.isEmpty()) assertTrue(e.getMessage().contains(spec.replace("\0", "\\u0000")), e.getMessage());
    }
}
