package io.ringmem.coordinator.auth;

import io.ringmem.cluster.ServerTls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a coordinator's REST API is protected (docs/cluster.md, "Authentication").
 *
 * @param keys      the accepted API keys; empty only in the loopback development mode ({@code --insecure-loopback}),
 *                  where every request acts as {@link Caller#LOCAL} and the REST API must bind a loopback address
 * @param tls       HTTPS from PEM files ({@code --tls-cert}, {@code --tls-key}); empty: plain HTTP
 * @param auditFile where audit lines are appended ({@code --audit-log}); empty: standard output
 */
public record AccessSettings(Optional<ApiKeys> keys, Optional<ServerTls> tls, Optional<Path> auditFile) {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "[::1]", "localhost");

    public AccessSettings {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auditFile, "auditFile");
    }

    /** The development mode: no keys, plain HTTP, audit lines on standard output. */
    public static AccessSettings insecureLoopback() {
        return new AccessSettings(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Whether {@code host} names a loopback interface ({@code 127.0.0.1}, {@code ::1}, {@code localhost}). */
    public static boolean loopback(String host) {
        return host != null && LOOPBACK.contains(host.strip());
    }

    /** Refuses an unauthenticated REST API on anything but loopback. */
    public void checkBind(String httpHost) {
        if (keys.isEmpty() && !loopback(httpHost)) {
            throw new IllegalArgumentException("without --api-keys the REST API may only bind a loopback address (--bind 127.0.0.1 "
                    + "--insecure-loopback), got " + (httpHost == null || httpHost.isBlank() ? "every interface" : httpHost));
        }
    }
}
