package io.ringmem.coordinator.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ringmem.api.ApiError;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authentication, authorization of cluster endpoints, per-key rate limits and the audit log, as Javalin before and
 * after handlers in front of every route (docs/cluster.md, "Authentication").
 * <ul>
 *   <li>{@code /health/live} and {@code /health/ready} are open (probes); every other path, unknown ones included,
 *   needs a key: {@code Authorization: Bearer KEY} or {@code X-Api-Key: KEY}. Missing or wrong: 401 with
 *   {@code WWW-Authenticate} and a JSON error, before any body is read.</li>
 *   <li>{@code /v1/workers} (ring addresses) needs an admin key: 403 otherwise.</li>
 *   <li>Each key's token bucket ({@link RateLimiter}): 429 with {@code Retry-After} when empty.</li>
 *   <li>Routes read the authenticated {@link Caller} with {@link #caller}.</li>
 * </ul>
 * Without keys ({@code keys} empty: the loopback development mode) every request is {@link Caller#LOCAL}.
 */
public final class AccessFilter {
    private static final String ATTRIBUTE = "ringmem.caller";
    private static final Set<String> OPEN = Set.of("/health/live", "/health/ready");
    private static final Set<String> ADMIN_ONLY = Set.of("/v1/workers");
    private static final Pattern JOB = Pattern.compile("^/v1/jobs/([^/]{1,128})(/result)?$");
    private static final String REALM = "Bearer realm=\"ringmem\"";

    private final Optional<ApiKeys> keys;
    private final RateLimiter limiter;
    private final AuditLog audit;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param keys    the accepted keys; empty: no authentication (every caller is {@link Caller#LOCAL}, unlimited)
     * @param limiter per-key request buckets
     * @param audit   where every non-probe request is recorded
     */
    public AccessFilter(Optional<ApiKeys> keys, RateLimiter limiter, AuditLog audit) {
        this.keys = keys;
        this.limiter = limiter;
        this.audit = audit;
    }

    /** Installs the handlers; call before the routes are added. */
    public void install(Javalin app) {
        app.before(this::admit);
        app.after(this::record);
        app.exception(AccessDenied.class, (e, ctx) -> {
            if (e.header() != null) ctx.header(e.header(), e.headerValue());
            try {
                ctx.status(e.status()).contentType("application/json").result(json.writeValueAsString(new ApiError(e.getMessage())));
            } catch (JsonProcessingException x) {
                ctx.status(e.status()).result("{\"error\":\"refused\"}");
            }
        });
    }

    /** The caller a filtered request was admitted as; a route reached without the filter is refused (fails closed). */
    public static Caller caller(Context ctx) {
        Caller c = ctx.attribute(ATTRIBUTE);
        if (c == null) throw new AccessDenied(401, "authentication required", "WWW-Authenticate", REALM);
        return c;
    }

    /** The caller, which must be an admin: 403 otherwise. */
    public static Caller admin(Context ctx) {
        Caller c = caller(ctx);
        if (!c.admin()) throw new AccessDenied(403, ctx.path() + " needs an admin key", null, null);
        return c;
    }

    private void admit(Context ctx) {
        if (OPEN.contains(ctx.path())) return;
        Caller caller = keys.isEmpty() ? Caller.LOCAL : authenticate(ctx);
        ctx.attribute(ATTRIBUTE, caller);
        if (ADMIN_ONLY.contains(ctx.path()) && !caller.admin()) {
            throw new AccessDenied(403, ctx.path() + " needs an admin key", null, null);
        }
        long wait = limiter.acquire(caller);
        if (wait > 0) {
            throw new AccessDenied(429, "rate limit of key '" + caller.id() + "' exceeded (" + caller.limits().requestsPerSecond()
                    + " requests/s, burst " + caller.limits().burst() + "); retry after " + wait + " s",
                    "Retry-After", Long.toString(wait));
        }
    }

    private Caller authenticate(Context ctx) {
        String presented = presentedKey(ctx);
        if (presented == null) {
            throw new AccessDenied(401, "authentication required: send Authorization: Bearer <API key>", "WWW-Authenticate", REALM);
        }
        return keys.orElseThrow().authenticate(presented).map(ApiKey::caller).orElseThrow(() -> new AccessDenied(401,
                "invalid API key", "WWW-Authenticate", REALM + ", error=\"invalid_token\""));
    }

    /** The key of {@code Authorization: Bearer KEY}, else of {@code X-Api-Key}; null when neither is there. */
    static String presentedKey(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null) {
            String a = auth.strip();
            if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) return a.substring(7).strip();
            return ""; // another scheme: a wrong key, not a missing one
        }
        String key = ctx.header("X-Api-Key");
        return key == null ? null : key.strip();
    }

    private void record(Context ctx) {
        if (OPEN.contains(ctx.path())) return;
        Caller c = ctx.attribute(ATTRIBUTE);
        int status = ctx.res().getStatus();
        String job = null;
        Matcher m = JOB.matcher(ctx.path());
        if (m.matches()) job = m.group(1);
        else if (ctx.path().equals("/v1/jobs") && "POST".equals(ctx.method().name()) && status == 202) {
            String location = ctx.res().getHeader("Location");
            if (location != null) job = location.substring(location.lastIndexOf('/') + 1);
        }
        audit.write(new AuditLog.Event(Instant.now().toString(), c == null ? null : c.id(), ctx.req().getRemoteAddr(),
                action(ctx.method().name(), ctx.path()), job, status));
    }

    /** The audit action of a request: a name for each API operation, else {@code METHOD PATH} (path cut at 200). */
    static String action(String method, String path) {
        Matcher m = JOB.matcher(path);
        if (m.matches()) {
            if (m.group(2) != null) return method.equals("GET") ? "result" : method + " " + path;
            return switch (method) {
                case "GET" -> "status";
                case "DELETE" -> "cancel";
                default -> method + " " + path;
            };
        }
        String key = method + " " + path;
        return switch (key) {
            case "POST /v1/jobs" -> "submit";
            case "GET /v1/jobs" -> "list";
            case "GET /v1/workers" -> "workers";
            case "GET /v1/cluster" -> "cluster";
            case "GET /metrics" -> "metrics";
            default -> key.length() > 200 ? key.substring(0, 200) : key;
        };
    }
}
