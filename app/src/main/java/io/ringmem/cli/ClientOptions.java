package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.api.RingmemClient;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a client command reaches a coordinator: {@code --url}, the API key ({@code --api-key-file FILE}, else the
 * environment variable {@code RINGMEM_API_KEY}) and {@code --tls-ca FILE} for an HTTPS coordinator whose certificate
 * the JDK does not trust. The key is never printed.
 */
final class ClientOptions {
    static final String KEY_ENV = "RINGMEM_API_KEY";

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "coordinator URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "file holding the API key (first non-blank line); default: the environment variable " + KEY_ENV)
    Path apiKeyFile;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM certificate(s) to trust for an https:// coordinator (its CA or self-signed certificate)")
    Path tlsCa;

    RingmemClient client() {
        return client(System.getenv(KEY_ENV));
    }

    /** @param envKey the value of {@code RINGMEM_API_KEY} (null when unset) */
    RingmemClient client(String envKey) {
        String key = apiKeyFile != null ? readKey(apiKeyFile) : envKey == null || envKey.isBlank() ? null : envKey.strip();
        try {
            RingmemClient.Builder b = RingmemClient.builder(url).apiKey(key);
            if (tlsCa != null) b.trustPem(tlsCa);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage().startsWith("the coordinator URL")
                    ? "--url must be an http(s) URL such as http://127.0.0.1:8080, got '" + url + "'" : e.getMessage());
        }
    }

    private static String readKey(Path file) {
        try {
            if (Files.size(file) > 4096) throw new RingmemException("--api-key-file " + file + " is over 4 KiB: not a key file");
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .findFirst().orElseThrow(() -> new RingmemException("--api-key-file " + file + " is empty"));
        } catch (IOException e) {
            throw new RingmemException("cannot read --api-key-file " + file + ": " + e.getMessage());
        }
    }
}
