package io.ringmem.hub;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HubModelResolver} against a {@link FakeHub} over real HTTP on 127.0.0.1. */
class HubModelResolverTest {
    private static final ModelSource.HubRepo TINY = new ModelSource.HubRepo("fake-org", "tinystories-656k");

    @TempDir
    Path cache;
    @TempDir
    Path repos;

    private FakeHub hub;
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notices = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        hub.addRepo(TINY.repoId(), TestData.tinystories656k());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubModelResolver resolver(URI endpoint, String token) {
        return new HubModelResolver(endpoint, cache, token, HubModelResolver.defaultHttpClient(), new DownloadProgress() {
            @Override
            public void bytes(String file, long done, long total) {
                progress.add(file + " " + done + "/" + total);
            }

            @Override
            public void notice(String message) {
                notices.add(message);
            }
        });
    }

    private HubModelResolver resolver() {
        return resolver(hub.endpoint(), null);
    }

    @Test
    void downloadedModelLoadsLikeTheOriginalFolder() throws IOException {
        Path dir = resolver().resolve(TINY);
        assertEquals(cache.resolve("hf/fake-org/tinystories-656k/main").toAbsolutePath(), dir);
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "model.safetensors")) {
            assertEquals(Files.size(TestData.tinystories656k().resolve(f)), Files.size(dir.resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(dir.resolve(HubCache.MARKER)));
        long size = Files.size(dir.resolve("model.safetensors"));
        assertTrue(progress.contains("model.safetensors 0/" + size), progress.toString());
        assertTrue(progress.contains("model.safetensors " + size + "/" + size), progress.toString());
        assertTrue(hub.log.stream().anyMatch(l -> l.contains("/resolve/" + FakeHub.COMMIT + "/")), "pinned to the commit");
        assertSameModel(TestData.tinystories656k(), dir);
    }

    @Test
    void secondResolveMakesNoRequests() {
        Path first = resolver().resolve(TINY);
        int before = hub.requests.get();
        assertTrue(before >= 7, "listing and six files: " + before);
        assertEquals(first, resolver().resolve(TINY));
        assertEquals(before, hub.requests.get());
        hub.close(); // nothing to talk to at all
        assertEquals(first, resolver().resolve(ModelSource.parse("hf:fake-org/tinystories-656k")));
    }

    @Test
    void localSourceIsReturnedAsGiven() {
        Path p = Path.of("some/model.gguf");
        assertEquals(p, resolver().resolve(new ModelSource.LocalPath(p)));
        assertEquals(0, hub.requests.get());
    }

    @Test
    void missingRepositoryOrRevisionIs404() {
        RingmemException e = assertThrows(RingmemException.class,
                () -> resolver().resolve(new ModelSource.HubRepo("fake-org", "nope")));
        assertEquals("model hf:fake-org/nope (revision main) not found at " + hub.endpoint(), e.getMessage());
        e = assertThrows(RingmemException.class,
                () -> resolver().resolve(new ModelSource.HubRepo("fake-org", "tinystories-656k", "v9")));
        assertEquals("model hf:fake-org/tinystories-656k (revision v9) not found at " + hub.endpoint(), e.getMessage());
    }

    @Test
    void refusedAccessAsksForTokenAndTokenWorks() {
        hub.requiredToken = "hf_secret";
        RingmemException e = assertThrows(RingmemException.class, () -> resolver().resolve(TINY));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("set HF_TOKEN"), e.getMessage());
        assertOneLine(e);
        e = assertThrows(RingmemException.class, () -> resolver(hub.endpoint(), "wrong").resolve(TINY));
        assertTrue(e.getMessage().contains("check that the token in HF_TOKEN"), e.getMessage());
        Path dir = resolver(hub.endpoint(), "  hf_secret\n").resolve(TINY);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertTrue(hub.log.stream().allMatch(l -> l.endsWith("auth=Bearer hf_secret") || l.endsWith("auth=null")
                || l.endsWith("auth=Bearer wrong")), hub.log.toString());
    }

    @Test
    void redirectsAreFollowedWithoutForwardingTheToken() throws IOException {
        try (FakeHub cdn = new FakeHub()) {
            cdn.addRepo(TINY.repoId(), TestData.tinystories656k());
            hub.redirectBase = cdn.endpoint();
            Path dir = resolver(hub.endpoint(), "hf_secret").resolve(TINY);
            assertSameModel(TestData.tinystories656k(), dir);
            assertEquals(6, cdn.requests.get());
            assertTrue(cdn.log.stream().allMatch(l -> l.endsWith("auth=null")), cdn.log.toString());
            assertTrue(hub.log.stream().allMatch(l -> l.endsWith("auth=Bearer hf_secret")), hub.log.toString());
        }
    }

    @Test
    void redirectLoopIsCut() {
        hub.redirectBase = hub.endpoint();
        RingmemException e = assertThrows(RingmemException.class, () -> resolver().resolve(TINY));
        assertEquals(hub.endpoint() + " answered HTTP 302 for config.json of hf:fake-org/tinystories-656k (revision main)"
                + " after " + HubHttp.MAX_REDIRECTS + " redirects", e.getMessage());
        assertFalse(Files.exists(resolver().cacheFolder(TINY).resolve("config.json")));
    }

    @Test
    void unreachableEndpointIsNamed() {
        URI dead = hub.endpoint();
        hub.close();
        RingmemException e = assertThrows(RingmemException.class, () -> resolver(dead, null).resolve(TINY));
        assertTrue(e.getMessage().startsWith("cannot reach " + dead + " to fetch the file list of hf:fake-org/tinystories-656k"),
                e.getMessage());
        assertOneLine(e);
    }

    @Test
    void repositoryWithoutUsableWeightsListsItsFiles() throws IOException {
        Path r = Files.createDirectories(repos.resolve("noweights"));
        Files.copy(TestData.tinystories656k().resolve("config.json"), r.resolve("config.json"));
        Files.writeString(r.resolve("README.md"), "hello");
        hub.addRepo("fake-org/noweights", r);
        RingmemException e = assertThrows(RingmemException.class,
                () -> resolver().resolve(ModelSource.parse("hf:fake-org/noweights")));
        assertEquals("hf:fake-org/noweights (revision main) has no usable weights (model.safetensors, "
                + "model.safetensors.index.json or *.gguf); it has: README.md, config.json", e.getMessage());

        Files.writeString(r.resolve("pytorch_model.bin"), "not really");
        e = assertThrows(RingmemException.class, () -> resolver().resolve(ModelSource.parse("hf:fake-org/noweights")));
        assertTrue(e.getMessage().contains("only PyTorch weights (pytorch_model.bin)"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("hf/fake-org/noweights/main/" + HubCache.MARKER)));
    }

    @Test
    void connectionClosedMidFileFailsThenRetrySucceeds() {
        hub.failNext("model.safetensors", FakeHub.Fault.CLOSE_MID_FILE);
        RingmemException e = assertThrows(RingmemException.class, () -> resolver().resolve(TINY));
        assertTrue(e.getMessage().startsWith("download of model.safetensors for hf:fake-org/tinystories-656k (revision main) from "
                + hub.endpoint()), e.getMessage());
        assertTrue(e.getMessage().endsWith("run again to retry"), e.getMessage());
        assertOneLine(e);
        Path dir = resolver().cacheFolder(TINY);
        assertFalse(Files.exists(dir.resolve(HubCache.MARKER)));
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        assertEquals(List.of(), partFiles(dir));
        assertSameModel(TestData.tinystories656k(), resolver().resolve(TINY));
    }

    @Test
    void shortBodyIsCaughtByTheListedSize() {
        hub.failNext("tokenizer.json", FakeHub.Fault.SHORT_CHUNKED);
        RingmemException e = assertThrows(RingmemException.class, () -> resolver().resolve(TINY));
        assertTrue(e.getMessage().matches("download of tokenizer\\.json .* was cut short: got \\d+ of 86434 bytes; run again to retry"),
                e.getMessage());
        assertSameModel(TestData.tinystories656k(), resolver().resolve(TINY));
    }

    @Test
    void shortBodyWithoutListedSizesStillFailsOnContentLength() {
        hub.listSizes = false;
        hub.failNext("model.safetensors", FakeHub.Fault.CLOSE_MID_FILE);
        assertThrows(RingmemException.class, () -> resolver().resolve(TINY));
        assertTrue(progress.contains("model.safetensors 0/2626168"), "total from Content-Length: " + progress);
        assertSameModel(TestData.tinystories656k(), resolver().resolve(TINY));
    }

    @Test
    void corruptBodyIsCaughtBySha256() {
        hub.failNext("model.safetensors", FakeHub.Fault.CORRUPT);
        RingmemException e = assertThrows(RingmemException.class, () -> resolver().resolve(TINY));
        assertTrue(e.getMessage().contains("does not match its SHA-256"), e.getMessage());
        assertSameModel(TestData.tinystories656k(), resolver().resolve(TINY));
    }

    @Test
    void incompleteCacheIsDownloadedAgain() throws IOException {
        Path dir = resolver().resolve(TINY);
        Files.writeString(dir.resolve("tokenizer.json"), "{}"); // wrong size: the marker no longer vouches for it
        Files.writeString(dir.resolve(".model.safetensors.123.part"), "leftover");
        int before = hub.requests.get();
        assertEquals(dir, resolver().resolve(TINY));
        assertTrue(hub.requests.get() > before);
        assertEquals(Files.size(TestData.tinystories656k().resolve("tokenizer.json")), Files.size(dir.resolve("tokenizer.json")));
        assertEquals(List.of(), partFiles(dir));

        Files.delete(dir.resolve(HubCache.MARKER));
        before = hub.requests.get();
        resolver().resolve(TINY);
        assertTrue(hub.requests.get() > before);
    }

    @Test
    void shardedRepositoryFetchesEveryShard() throws IOException {
        Path r = Files.createDirectories(repos.resolve("sharded"));
        Path src = TestData.tinystories656k();
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) Files.copy(src.resolve(f), r.resolve(f));
        ShardSplitter.split(src.resolve("model.safetensors"), r, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        Files.writeString(r.resolve("model-00003-of-00003.safetensors"), "not named by the index");
        hub.addRepo("fake-org/sharded", r);
        hub.listCommit = false;

        Path dir = resolver().resolve(ModelSource.parse("hf:fake-org/sharded"));
        assertTrue(Files.isRegularFile(dir.resolve("model-00001-of-00002.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("model-00002-of-00002.safetensors")));
        assertFalse(Files.exists(dir.resolve("model-00003-of-00003.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        assertTrue(hub.log.stream().anyMatch(l -> l.contains("/resolve/main/model-00002-of-00002.safetensors")), hub.log.toString());
        assertSameModel(src, dir);
    }

    @Test
    void indexNamingAMissingShardFails() throws IOException {
        Path r = Files.createDirectories(repos.resolve("badindex"));
        Files.copy(TestData.tinystories656k().resolve("config.json"), r.resolve("config.json"));
        Files.writeString(r.resolve(HubFiles.INDEX), "{\"weight_map\": {\"a\": \"gone.safetensors\"}}");
        hub.addRepo("fake-org/badindex", r);
        RingmemException e = assertThrows(RingmemException.class, () -> resolver().resolve(ModelSource.parse("hf:fake-org/badindex")));
        assertEquals("hf:fake-org/badindex (revision main): model.safetensors.index.json names shard gone.safetensors, "
                + "which the repository does not have", e.getMessage());
        Files.writeString(r.resolve(HubFiles.INDEX), "{\"weight_map\": {\"a\": \"../../evil.safetensors\"}}");
        e = assertThrows(RingmemException.class, () -> resolver().resolve(ModelSource.parse("hf:fake-org/badindex")));
        assertTrue(e.getMessage().contains("not a relative file path"), e.getMessage());
    }

    @Test
    void ggufRepositoryResolvesToThePreferredFile() throws IOException {
        Path r = Files.createDirectories(repos.resolve("gguf"));
        Files.copy(TestData.stories260kGguf(), r.resolve("stories260K-F32.gguf"));
        Files.writeString(r.resolve("stories260K-Q4_K_M.gguf"), "unsupported type, never fetched");
        Files.writeString(r.resolve("stories260K-00001-of-00002.gguf"), "split, never fetched");
        hub.addRepo("fake-org/gguf", r);
        Path p = resolver().resolve(ModelSource.parse("hf:fake-org/gguf"));
        assertEquals(cache.resolve("hf/fake-org/gguf/main/stories260K-F32.gguf").toAbsolutePath(), p);
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).startsWith("hf:fake-org/gguf has 2 GGUF files; using stories260K-F32.gguf"), notices.get(0));
        assertFalse(Files.exists(p.resolveSibling("stories260K-Q4_K_M.gguf")));
        try (LoadedModel a = ModelLoader.load(TestData.stories260kGguf(), null); LoadedModel b = ModelLoader.load(p, null)) {
            assertEquals(a.config(), b.config());
            assertArrayEquals(a.weights().embedding().toArray(), b.weights().embedding().toArray());
        }
        int before = hub.requests.get();
        assertEquals(p, resolver().resolve(ModelSource.parse("hf:fake-org/gguf")));
        assertEquals(before, hub.requests.get());
    }

    @Test
    void unwritableCacheIsReported() throws IOException {
        Path file = Files.writeString(cache.resolve("not-a-folder"), "x");
        HubModelResolver r = new HubModelResolver(hub.endpoint(), file, null, HubModelResolver.defaultHttpClient(),
                DownloadProgress.none());
        RingmemException e = assertThrows(RingmemException.class, () -> r.resolve(TINY));
        assertTrue(e.getMessage().startsWith("cannot write the model cache " + file.resolve("hf")), e.getMessage());
    }

    @Test
    void badEndpointIsRejected() {
        for (String u : List.of("ftp://example.com", "huggingface.co", "https://example.com/?x=1")) {
            RingmemException e = assertThrows(RingmemException.class, () -> resolver(URI.create(u), null));
            assertTrue(e.getMessage().startsWith("hub endpoint '" + u + "'"), e.getMessage());
        }
    }

    private static void assertSameModel(Path original, Path downloaded) {
        try (LoadedModel a = ModelLoader.load(original, null); LoadedModel b = ModelLoader.load(downloaded, null)) {
            assertEquals(a.config(), b.config());
            assertArrayEquals(a.weights().embedding().toArray(), b.weights().embedding().toArray());
            assertArrayEquals(a.weights().finalNorm(), b.weights().finalNorm());
            for (int i = 0; i < a.config().layers(); i++) {
                LayerWeights x = a.weights().layers().get(i);
                LayerWeights y = b.weights().layers().get(i);
                assertArrayEquals(x.wq().toArray(), y.wq().toArray());
                assertArrayEquals(x.w2().toArray(), y.w2().toArray());
                assertArrayEquals(x.attnNorm(), y.attnNorm());
            }
            String text = "Once upon a time, there was a little dog.";
            assertArrayEquals(a.tokenizer().encode(text), b.tokenizer().encode(text));
        }
    }

    private static List<Path> partFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertOneLine(RingmemException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
