package io.ringmem.coordinator.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * The audit trail: one JSON object a line per REST request (docs/cluster.md, "Audit log"), written with Jackson and
 * flushed line by line. Lines never hold a key's secret, only its id. Thread-safe. A failed write is reported once
 * through {@code log} and the request goes on (auditing never fails a request). Not guaranteed: lines of requests
 * Jetty refuses before routing (414, 431, malformed HTTP) or of a process killed mid-write.
 */
public final class AuditLog implements AutoCloseable {
    /**
     * One audited request.
     *
     * @param time   ISO-8601 instant the answer was sent
     * @param key    the authenticated key's id; null when none was (a 401)
     * @param remote the client's address
     * @param action submit, list, status, result, cancel, workers, cluster, metrics, or METHOD PATH for anything else
     * @param job    the job the request concerned, if any
     * @param status the HTTP status answered
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(String time, String key, String remote, String action, String job, int status) {
    }

    private final OutputStream out;
    private final boolean owned;
    private final Consumer<String> log;
    private final ObjectMapper json = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private boolean failed;

    private AuditLog(OutputStream out, boolean owned, Consumer<String> log) {
        this.out = out;
        this.owned = owned;
        this.log = log;
    }

    /** Appends to {@code file} (created if missing). */
    public static AuditLog toFile(Path file, Consumer<String> log) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            return new AuditLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE), true, log);
        } catch (IOException e) {
            throw new RingmemException("cannot open the audit log " + file + ": " + e.getMessage());
        }
    }

    /** Writes to a stream this log does not close (e.g. standard output). */
    public static AuditLog to(OutputStream out, Consumer<String> log) {
        return new AuditLog(out, false, log);
    }

    public void write(Event e) {
        try {
            byte[] line = json.writeValueAsBytes(e);
            synchronized (this) {
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException x) {
            synchronized (this) {
                if (failed) return;
                failed = true;
            }
            log.accept("audit log write failed (further failures are not reported): " + x.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (owned) out.close();
            else out.flush();
        } catch (IOException e) {
            log.accept("closing the audit log failed: " + e.getMessage());
        }
    }
}
