package io.ringmem.coordinator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.ringmem.api.ApiError;
import io.ringmem.api.JobPage;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobStatus;
import io.ringmem.coordinator.auth.AccessFilter;
import io.ringmem.coordinator.auth.Caller;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The coordinator's REST API (docs/cluster.md) on a Javalin app: the {@code io.ringmem.api} records as JSON in and
 * out, every refusal a 4xx with {@code {"error": "..."}} ({@link ApiError}), unexpected failures a 500 with a
 * one-line message (the stack trace goes to the log).
 */
public final class RestApi {
    /** Default of {@code --max-request-bytes}: the largest job body accepted. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 32L << 20;

    private final CoordinatorService service;
    private final Consumer<String> log;
    private final long maxRequestBytes;
    private final ObjectMapper json;

    /** With bodies of {@link #DEFAULT_MAX_REQUEST_BYTES} at most. */
    public RestApi(CoordinatorService service, Consumer<String> log) {
        this(service, log, DEFAULT_MAX_REQUEST_BYTES);
    }

    /** @param maxRequestBytes largest request body (413 beyond, refused before it is read or while it streams) */
    public RestApi(CoordinatorService service, Consumer<String> log, long maxRequestBytes) {
        if (maxRequestBytes < 1) throw new IllegalArgumentException("--max-request-bytes must be >= 1, got " + maxRequestBytes);
        this.service = service;
        this.log = log;
        this.maxRequestBytes = maxRequestBytes;
        this.json = mapper(maxRequestBytes);
    }

    /**
     * Strict JSON: unknown fields, trailing tokens and every scalar coercion (a string for a number or a boolean, a
     * number or a boolean for a string, a float for an integer, an empty string for null) are errors. A string may be
     * as long as the body.
     */
    static ObjectMapper mapper(long maxRequestBytes) {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxRequestBytes)).build()).build();
        JsonMapper mapper = JsonMapper.builder(factory)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // token id 2.7 is an error, not token 2
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        CoercionAction fail = CoercionAction.Fail;
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean, LogicalType.POJO,
                LogicalType.Array, LogicalType.Collection)) {
            mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, fail).setCoercion(CoercionInputShape.EmptyString, fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, fail)
                .setCoercion(CoercionInputShape.Boolean, fail);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Boolean, fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, fail)
                .setCoercion(CoercionInputShape.Float, fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, fail)
                .setCoercion(CoercionInputShape.Float, fail).setCoercion(CoercionInputShape.Boolean, fail);
        return mapper;
    }

    public void install(Javalin app) {
        app.post("/v1/jobs", ctx -> {
            Caller caller = AccessFilter.caller(ctx); // before the body is read
            JobStatus status = service.submit(parse(ctx), caller);
            ctx.header("Location", "/v1/jobs/" + status.id());
            send(ctx, 202, status);
        });
        app.get("/v1/jobs", ctx -> {
            JobPage page = service.page(ctx.queryParam("limit"), ctx.queryParam("after"), AccessFilter.caller(ctx));
            page.next().ifPresent(n -> ctx.header(JobPage.NEXT_HEADER, n));
            send(ctx, 200, page.jobs());
        });
        app.delete("/v1/documents/{id}", ctx -> {
            AccessFilter.admin(ctx); // document ids are one namespace for every tenant
            send(ctx, 200, service.deleteDocument(ctx.pathParam("id")));
        });
        app.get("/v1/workers", ctx -> {
            AccessFilter.admin(ctx);
            send(ctx, 200, service.workers());
        });
        app.get("/v1/jobs/{id}", ctx -> send(ctx, 200, service.status(ctx.pathParam("id"), AccessFilter.caller(ctx))));
        app.get("/v1/jobs/{id}/result", ctx -> send(ctx, 200, service.result(ctx.pathParam("id"), AccessFilter.caller(ctx))));
        app.delete("/v1/jobs/{id}", ctx -> send(ctx, 200, service.cancel(ctx.pathParam("id"), AccessFilter.caller(ctx))));
        app.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            if (e.status() == 413 || e.status() == 415) closeWith(ctx, e.status(), e.getMessage());
            else error(ctx, e.status(), e.getMessage());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "no endpoint " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
            default -> e.getMessage();
        }));
        app.exception(Exception.class, (e, ctx) -> {
            log.accept("REST " + ctx.method() + " " + ctx.path() + " failed: " + Failures.message(e));
            error(ctx, 500, "internal error: " + Failures.message(e));
        });
        app.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) error(ctx, 404, "no endpoint " + ctx.method() + " " + ctx.path());
        });
        app.error(405, ctx -> error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    /**
     * The job in the request body: {@code application/json} (UTF-8) or 415; a declared {@code Content-Length} over
     * the limit is a 413 before anything is read, and a body without one (chunked) is a 413 as soon as it streams
     * past the limit. The body is parsed as it streams, never held whole.
     */
    JobRequest parse(Context ctx) throws IOException {
        checkContentType(ctx.req().getContentType());
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxRequestBytes) throw tooLarge(declared + " bytes");
        return parse(ctx.req().getInputStream());
    }

    /**
     * The job in {@code body}, read at most {@code maxRequestBytes} far.
     *
     * @throws ApiException 400 for malformed JSON or a job of the wrong shape, 413 past the limit
     * @throws IOException when reading the body fails
     */
    JobRequest parse(InputStream body) throws IOException {
        // decoded as strict UTF-8 (what the Content-Type allows): a byte parser would guess UTF-16/32 from zero bytes
        // and fail on an invalid UTF-32 character with a CharConversionException, which is not a JSON error (a 500)
        try (InputStream in = new BoundedBody(body, maxRequestBytes);
             JsonParser p = json.createParser(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()))) {
            return parse(p);
        } catch (BoundedBody.TooLarge e) {
            throw tooLarge("more than " + maxRequestBytes + " bytes");
        } catch (CharacterCodingException e) {
            throw notUtf8();
        } catch (JsonProcessingException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BoundedBody.TooLarge) throw tooLarge("more than " + maxRequestBytes + " bytes");
                if (c instanceof CharacterCodingException) throw notUtf8();
            }
            throw refusal(e);
        }
    }

    private JobRequest parse(JsonParser p) throws IOException {
        if (p.nextToken() == null) throw new ApiException(400, "the request body is empty: send a JSON job (see docs/cluster.md)");
        return json.readValue(p, JobRequest.class);
    }

    private static ApiException notUtf8() {
        return new ApiException(400, "malformed JSON: the request body is not valid UTF-8");
    }

    private ApiException tooLarge(String size) {
        return new ApiException(413, "the request body has " + size + ", over this coordinator's limit of " + maxRequestBytes
                + " bytes (--max-request-bytes)");
    }

    private static ApiException refusal(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return new ApiException(400, "unknown field '" + u.getPropertyName() + "' in the job");
        }
        if (e instanceof MismatchedInputException || e instanceof InputCoercionException) {
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? " at '" + path(m) + "'" : "";
            return new ApiException(400, "the job does not have the expected shape" + field + " (see docs/cluster.md)");
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof InputCoercionException && !m.getPath().isEmpty()) {
            return new ApiException(400, "the job does not have the expected shape at '" + path(m) + "': a number out of range");
        }
        return new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
    }

    /** {@code application/json}, optionally with {@code charset=utf-8}; anything else is a 415. */
    static void checkContentType(String header) {
        String type = header == null ? "" : header.trim();
        String[] parts = type.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            throw new ApiException(415, "Content-Type must be application/json, got " + (type.isEmpty() ? "none" : "'" + type + "'"));
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            if (param.isEmpty()) continue;
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq).trim();
            String value = eq < 0 ? "" : param.substring(eq + 1).trim().replace("\"", "");
            if (!name.equalsIgnoreCase("charset") || !value.toLowerCase(Locale.ROOT).matches("utf-?8")) {
                throw new ApiException(415, "Content-Type must be application/json with an optional charset=utf-8, got '" + type + "'");
            }
        }
    }

    /** Where in the job a mismatch is, e.g. {@code workers} or {@code documents[0].tokens[1]}. */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) b.append('[').append(r.getIndex()).append(']');
        }
        return b.toString();
    }

    private void send(Context ctx, int status, Object body) throws JsonProcessingException {
        ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
    }

    /**
     * Answers at once and closes the connection: the request body was refused unread (413, 415), so Jetty neither
     * reads the rest of it nor waits for it before it answers.
     */
    private void closeWith(Context ctx, int status, String message) {
        HttpServletResponse res = ctx.res();
        try {
            byte[] body = json.writeValueAsBytes(new ApiError(message));
            res.setStatus(status);
            res.setContentType("application/json");
            res.setHeader("Connection", "close");
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
            res.flushBuffer();
        } catch (IOException gone) {
            log.accept("REST " + ctx.method() + " " + ctx.path() + ": could not answer " + status + ": " + gone.getMessage());
        }
    }

    private void error(Context ctx, int status, String message) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(new ApiError(message)));
        } catch (JsonProcessingException e) {
            ctx.status(status).result("{\"error\":\"internal error\"}");
        }
    }
}
