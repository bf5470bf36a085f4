package io.ringmem.cluster;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmem.RingmemException;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.util.Map;
import java.util.Optional;
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

    /** Request bodies a process without its own limit accepts (health and metrics take none). */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1L << 20;

    /** {@link #start(String, int, long, BooleanSupplier, PrometheusMeterRegistry, Consumer)} with bodies of 1 MiB at most. */
    public static ServiceHttp start(String host, int port, BooleanSupplier ready, PrometheusMeterRegistry metrics,
                                    Consumer<Javalin> routes) {
        return start(host, port, DEFAULT_MAX_REQUEST_BYTES, ready, metrics, routes);
    }

    /**
     * @param host            interface to bind (null or blank: all)
     * @param port            port, 0 for any free one
     * @param maxRequestBytes largest request body Javalin buffers ({@code ctx.body()}: 413 beyond); routes that
     *                        stream bodies enforce their own limit
     * @param routes          adds the process's own routes and handlers before the server starts
     */
    public static ServiceHttp start(String host, int port, long maxRequestBytes, BooleanSupplier ready,
                                    PrometheusMeterRegistry metrics, Consumer<Javalin> routes) {
        return start(host, port, maxRequestBytes, Optional.empty(), ready, metrics, routes);
    }

    /**
     * As {@link #start(String, int, long, BooleanSupplier, PrometheusMeterRegistry, Consumer)}, serving HTTPS only
     * when {@code tls} is present (TLS 1.2 and 1.3 with Jetty's default ciphers; no plain-HTTP port is opened).
     */
    public static ServiceHttp start(String host, int port, long maxRequestBytes, Optional<ServerTls> tls, BooleanSupplier ready,
                                    PrometheusMeterRegistry metrics, Consumer<Javalin> routes) {
        SslContextFactory.Server ssl = tls.map(ServiceHttp::sslFactory).orElse(null);
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = maxRequestBytes;
            config.http.prefer405over404 = true;
            // Jetty's own refusals (414, 431, bad URIs) and sendError pages as {"error": "..."}, not HTML
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
            if (ssl != null) config.jetty.addConnector((server, httpConfig) -> httpsConnector(server, httpConfig, ssl, host, port));
        });
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        app.get("/health/ready", ctx -> {
            boolean ok = ready.getAsBoolean();
            ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "READY" : "NOT_READY"));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.accept(app);
        try {
            if (ssl != null) app.start(); // the HTTPS connector is the only one
            else if (host == null || host.isBlank()) app.start(port);
            else app.start(host, port);
        } catch (RuntimeException e) {
            throw new RingmemException("cannot serve HTTP on " + (host == null ? "" : host) + ":" + port + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
        return new ServiceHttp(app);
    }

    private static SslContextFactory.Server sslFactory(ServerTls tls) {
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(tls.keyStore());
        f.setKeyStorePassword(new String(tls.keyPassword()));
        f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return f;
    }

    private static ServerConnector httpsConnector(Server server, HttpConfiguration httpConfig, SslContextFactory.Server ssl,
                                                  String host, int port) {
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // one certificate: clients check the host name, the server need not
        httpConfig.addCustomizer(secure);
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(httpConfig));
        if (host != null && !host.isBlank()) c.setHost(host);
        c.setPort(port);
        return c;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
