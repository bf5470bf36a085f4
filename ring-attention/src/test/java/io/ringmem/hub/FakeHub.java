package io.ringmem.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A fake Hugging Face Hub on 127.0.0.1 serving local folders as repositories: the listing API (with sizes and LFS
 * hashes unless turned off) and the resolve URLs, with optional token check, redirects to another server and
 * injected faults. Counts and logs every request.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** What to do to the next download of a file. */
    enum Fault { CLOSE_MID_FILE, SHORT_CHUNKED, CORRUPT }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final Map<String, Path> repos = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    /** "PATH auth=HEADER" per request. */
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    volatile String requiredToken;
    volatile boolean listSizes = true;
    volatile boolean listCommit = true;
    /** When set, resolve requests answer 302 to this base plus the same path. */
    volatile URI redirectBase;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void addRepo(String id, Path dir) {
        repos.put(id, dir);
    }

    void failNext(String file, Fault fault) {
        faults.put(file, fault);
    }

    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            log.add(ex.getRequestURI().getRawPath() + " auth=" + auth);
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                send(ex, 401, "{\"error\":\"Invalid credentials\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            List<String> parts = new ArrayList<>();
            for (String p : ex.getRequestURI().getRawPath().substring(1).split("/", -1)) {
                parts.add(URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
            if (parts.size() == 6 && parts.get(0).equals("api") && parts.get(1).equals("models") && parts.get(4).equals("revision")) {
                listing(ex, parts.get(2) + "/" + parts.get(3), parts.get(5));
            } else if (parts.size() >= 5 && parts.get(2).equals("resolve")) {
                if (redirectBase != null) {
                    ex.getResponseHeaders().add("Location", redirectBase + ex.getRequestURI().getRawPath());
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
                download(ex, parts.get(0) + "/" + parts.get(1), parts.get(3), String.join("/", parts.subList(4, parts.size())));
            } else {
                send(ex, 404, new byte[0]);
            }
        }
        // an IOException (a fault on purpose, or the client went away) makes the server close the connection
    }

    private void listing(HttpExchange ex, String id, String revision) throws IOException {
        Path dir = repos.get(id);
        if (dir == null || !(revision.equals("main") || revision.equals(COMMIT))) {
            ex.getResponseHeaders().add("X-Error-Code", dir == null ? "RepoNotFound" : "RevisionNotFound");
            send(ex, 404, "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        if (listCommit) root.put("sha", COMMIT);
        ArrayNode siblings = root.putArray("siblings");
        for (String name : files(dir)) {
            ObjectNode s = siblings.addObject();
            s.put("rfilename", name);
            if (!listSizes) continue;
            byte[] data = Files.readAllBytes(dir.resolve(name));
            s.put("size", data.length);
            if (name.endsWith(".safetensors") || name.endsWith(".gguf")) {
                ObjectNode lfs = s.putObject("lfs");
                lfs.put("sha256", sha256(data));
                lfs.put("size", data.length);
            }
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        send(ex, 200, JSON.writeValueAsBytes(root));
    }

    private void download(HttpExchange ex, String id, String revision, String file) throws IOException {
        Path dir = repos.get(id);
        Path f = dir == null ? null : dir.resolve(file).normalize();
        if (dir == null || !f.startsWith(dir) || !Files.isRegularFile(f) || !(revision.equals("main") || revision.equals(COMMIT))) {
            ex.getResponseHeaders().add("X-Error-Code", dir == null ? "RepoNotFound" : "EntryNotFound");
            send(ex, 404, new byte[0]);
            return;
        }
        byte[] data = Files.readAllBytes(f);
        Fault fault = faults.remove(file);
        if (fault == null) {
            send(ex, 200, data);
        } else if (fault == Fault.CORRUPT) {
            data[data.length / 2] ^= 0x5a;
            send(ex, 200, data);
        } else if (fault == Fault.SHORT_CHUNKED) {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(data, 0, data.length / 2);
            }
        } else {
            ex.sendResponseHeaders(200, data.length);
            OutputStream out = ex.getResponseBody();
            out.write(data, 0, data.length / 2);
            out.flush();
            throw new IOException("closing mid-file on purpose"); // the exchange closes with bytes missing
        }
    }

    private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
