package io.ringmem.cli;

import io.ringmem.hub.DownloadProgress;
import io.ringmem.hub.HubModelResolver;
import io.ringmem.hub.ModelSource;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;

/**
 * Entry-point glue for hub models: reads {@code HF_ENDPOINT} (default https://huggingface.co), {@code HF_TOKEN}
 * and {@code RINGMEM_CACHE} (default {@code ~/.cache/ringmem}) and resolves an {@code hf:} spec to a local path,
 * downloading on first use with progress on stderr.
 */
final class HubModels {
    private HubModels() {
    }

    static Path resolve(String spec, PrintWriter log) {
        String endpoint = System.getenv("HF_ENDPOINT");
        String cache = System.getenv("RINGMEM_CACHE");
        Path cacheRoot = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "ringmem");
        HubModelResolver resolver = new HubModelResolver(
                endpoint == null || endpoint.isBlank() ? HubModelResolver.DEFAULT_ENDPOINT : URI.create(endpoint),
                cacheRoot, System.getenv("HF_TOKEN"), HubModelResolver.defaultHttpClient(), new Progress(log));
        return resolver.resolve(ModelSource.parse(spec));
    }

    /** One stderr line per file when it starts and finishes, and every 10% in between. */
    private static final class Progress implements DownloadProgress {
        private final PrintWriter log;
        private String file = "";
        private long lastTenth = -1;

        Progress(PrintWriter log) {
            this.log = log;
        }

        @Override
        public void bytes(String name, long done, long total) {
            if (!name.equals(file)) {
                file = name;
                lastTenth = -1;
            }
            long tenth = total > 0 ? done * 10 / total : -1;
            if (tenth != lastTenth && (tenth >= 0 || done == 0)) {
                lastTenth = tenth;
                log.printf("ringmem: downloading %s: %s%n", name, total > 0 ? (tenth * 10) + "% of " + total + " bytes" : done + " bytes");
                log.flush();
            }
        }

        @Override
        public void notice(String message) {
            log.println("ringmem: " + message);
            log.flush();
        }
    }
}
