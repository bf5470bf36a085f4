package io.ringmem.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.ringmem.api.ApiError;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobStatus;

import java.util.function.Consumer;

/**
 * The coordinator's REST API (docs/cluster.md) on a Javalin app: the {@code io.ringmem.api} records as JSON in and
 * out, every refusal a 4xx with {@code {"error": "..."}} ({@link ApiError}), unexpected failures a 500 with a
 * one-line message (the stack trace goes to the log).
 */
public final class RestApi {
    private final CoordinatorService service;
    private final Consumer<String> log;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false) // token id 2.7 is an error, not token 2
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    public RestApi(CoordinatorService service, Consumer<String> log) {
        this.service = service;
        this.log = log;
    }

    public void install(Javalin app) {
        app.post("/v1/jobs", ctx -> {
            JobStatus status = service.submit(parse(ctx.body()));
            ctx.header("Location", "/v1/jobs/" + status.id());
            send(ctx, 202, status);
        });
        app.get("/v1/jobs", ctx -> send(ctx, 200, service.list()));
        app.get("/v1/workers", ctx -> send(ctx, 200, service.workers()));
        app.get("/v1/jobs/{id}", ctx -> send(ctx, 200, service.status(ctx.pathParam("id"))));
        app.get("/v1/jobs/{id}/result", ctx -> send(ctx, 200, service.result(ctx.pathParam("id"))));
        app.delete("/v1/jobs/{id}", ctx -> send(ctx, 200, service.cancel(ctx.pathParam("id"))));
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
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

    JobRequest parse(String body) {
        if (body == null || body.isBlank()) throw new ApiException(400, "the request body is empty: send a JSON job (see docs/cluster.md)");
        try {
            return json.readValue(body, JobRequest.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(400, "unknown field '" + e.getPropertyName() + "' in the job");
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "" : " at '" + path(e) + "'";
            throw new ApiException(400, "the job does not have the expected shape" + field + " (see docs/cluster.md)");
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** Where in the job a mismatch is, e.g. {@code workers} or {@code documents[0].tokens[1]}. */
    private static String path(MismatchedInputException e) {
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

    private void error(Context ctx, int status, String message) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(new ApiError(message)));
        } catch (JsonProcessingException e) {
            ctx.status(status).result("{\"error\":\"internal error\"}");
        }
    }
}
