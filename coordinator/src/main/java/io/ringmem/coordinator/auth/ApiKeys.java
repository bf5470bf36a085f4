package io.ringmem.coordinator.auth;

import io.ringmem.RingmemException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys a coordinator accepts, read once at start from {@code --api-keys FILE} (a mounted Kubernetes Secret
 * works: one file, read once; restart to rotate). Format, one key a line ({@code #} comments and blank lines
 * ignored):
 * <pre>
 * ID:SECRET[:ROLE[:LIMITS]]
 *   ID      the key's name, [A-Za-z0-9._-]{1,64}: owner of its jobs, shown in the audit log
 *   SECRET  the key itself, 24..256 characters of [A-Za-z0-9._~+/=-] (e.g. openssl rand -hex 32),
 *           or {sha256}HEX: the SHA-256 of the key (64 hex digits), so the file need not hold the key
 *   ROLE    user (default) or admin
 *   LIMITS  comma-separated rate=R (requests/s), burst=B, jobs=J (active jobs); unset ones take the defaults
 * </pre>
 * Only SHA-256 hashes are kept in memory. A fast unsalted hash is enough here because keys are long random strings
 * (the minimum length is enforced), not passwords: a guess costs 2^96 hashes or more, so a slow password hash would
 * only slow every request. {@link #authenticate} hashes the candidate and compares it with every key's hash with
 * {@link MessageDigest#isEqual} (constant time, and no early exit over the keys), so timing reveals nothing about
 * which bytes matched. Not guaranteed: secrecy of the file itself, or of keys sent over plain HTTP (use TLS).
 */
public final class ApiKeys {
    /** A presented key longer than this is refused before it is hashed. */
    public static final int MAX_SECRET_CHARS = 256;
    private static final int MIN_SECRET_CHARS = 24;
    private static final String HASHED = "{sha256}";

    private final List<ApiKey> keys;

    public ApiKeys(List<ApiKey> keys) {
        if (keys.isEmpty()) throw new IllegalArgumentException("no API keys");
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (ApiKey k : keys) {
            if (!ids.add(k.id())) throw new IllegalArgumentException("key id '" + k.id() + "' appears twice");
            if (!hashes.add(HexFormat.of().formatHex(k.hash()))) {
                throw new IllegalArgumentException("key '" + k.id() + "' has the same secret as another key");
            }
        }
        this.keys = List.copyOf(keys);
    }

    /** Reads {@code file}; any problem is one line naming the file and line (never the secret). */
    public static ApiKeys load(Path file, KeyLimits defaults) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RingmemException("cannot read the API keys file " + file + ": " + e.getMessage());
        }
        return parse(lines, file.toString(), defaults);
    }

    /** Parses the lines of a keys file; {@code source} names it in errors. */
    public static ApiKeys parse(List<String> lines, String source, KeyLimits defaults) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                keys.add(parseLine(line, defaults));
            } catch (IllegalArgumentException e) {
                throw new RingmemException("API keys file " + source + " line " + (i + 1) + ": " + e.getMessage()
                        + " (expected ID:SECRET[:admin|user[:rate=R,burst=B,jobs=J]])");
            }
        }
        try {
            return new ApiKeys(keys);
        } catch (IllegalArgumentException e) {
            throw new RingmemException("API keys file " + source + ": " + e.getMessage());
        }
    }

    private static ApiKey parseLine(String line, KeyLimits defaults) {
        String[] f = line.split(":", -1);
        if (f.length < 2 || f.length > 4) throw new IllegalArgumentException("expected 2 to 4 ':'-separated fields, got " + f.length);
        String id = f[0].strip();
        Role role = f.length > 2 && !f[2].isBlank() ? Role.parse(f[2].strip()) : Role.USER;
        KeyLimits limits = f.length > 3 ? limits(f[3].strip(), defaults) : defaults;
        return new ApiKey(id, role, hashOf(f[1].strip()), limits);
    }

    private static byte[] hashOf(String secret) {
        if (secret.startsWith(HASHED)) {
            String hex = secret.substring(HASHED.length());
            if (!hex.matches("[0-9a-fA-F]{64}")) throw new IllegalArgumentException("{sha256} must be followed by 64 hex digits");
            return HexFormat.of().parseHex(hex);
        }
        if (secret.length() < MIN_SECRET_CHARS || secret.length() > MAX_SECRET_CHARS || !secret.matches("[A-Za-z0-9._~+/=-]+")) {
            throw new IllegalArgumentException("a secret must be " + MIN_SECRET_CHARS + " to " + MAX_SECRET_CHARS
                    + " characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. openssl rand -hex 32)");
        }
        return sha256(secret);
    }

    private static KeyLimits limits(String spec, KeyLimits d) {
        double rate = d.requestsPerSecond();
        int burst = d.burst(), jobs = d.maxActiveJobs();
        if (spec.isEmpty()) return d;
        for (String part : spec.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("limit '" + part.strip() + "' is not NAME=VALUE");
            String name = kv[0].strip(), value = kv[1].strip();
            try {
                switch (name) {
                    case "rate" -> rate = Double.parseDouble(value);
                    case "burst" -> burst = Integer.parseInt(value);
                    case "jobs" -> jobs = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown limit '" + name + "' (rate, burst or jobs)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit " + name + " is not a number: '" + value + "'");
            }
        }
        return new KeyLimits(rate, burst, jobs);
    }

    /** SHA-256 of the UTF-8 bytes of {@code secret}. */
    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The key whose secret is {@code presented}, if any. Compares the candidate's hash with every key's hash in
     * constant time, without stopping at a match.
     */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_SECRET_CHARS) return Optional.empty();
        byte[] candidate = sha256(presented);
        ApiKey found = null;
        for (ApiKey k : keys) {
            if (MessageDigest.isEqual(candidate, k.hash()) && found == null) found = k;
        }
        return Optional.ofNullable(found);
    }

    public List<ApiKey> keys() {
        return keys;
    }
}
