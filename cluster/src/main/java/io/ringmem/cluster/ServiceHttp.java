package io.ringmem.cluster;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The HTTP side of a Ringmem process: {@code /health/live}, {@code /health/ready} (503 until ready) and
 * {@code /metrics} (Prometheus text format), plus whatever routes the process adds (the coordinator's REST API).
 */
public final class ServiceHttp implements AutoCloseable {
    private final Javalin app;

    private ServiceHttp(Javalin app) {
        this.app = app;
    }

    /**
     * @param host   interface to bind (null or blank: all)
     * @param port   port, 0 for any free one
     * @param routes adds the process's own routes and handlers before the server starts
     */
    public static ServiceHttp start(String host, int port, BooleanSupplier ready, PrometheusMeterRegistry metrics,
                                    Consumer<Javalin> routes) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = 1L << 30; // documents travel in job requests
        });
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        app.get("/health/ready", ctx -> {
            boolean ok = ready.getAsBoolean();
            ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "READY" : "NOT_READY"));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.accept(app);
        try {
            if (host == null || host.isBlank()) app.start(port);
            else app.start(host, port);
        } catch (RuntimeException e) {
            throw new io.ringmem.RingmemException("cannot serve HTTP on " + (host == null ? "" : host) + ":" + port + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
        return new ServiceHttp(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
