package io.ringmem.cli;

import io.ringmem.RingmemException;

import java.io.PrintWriter;
import java.nio.file.Path;

/** A {@code --model} value: a local path, or {@code hf:ORG/NAME[@REVISION]} resolved through the hub cache. */
final class ModelSpec {
    private ModelSpec() {
    }

    static boolean isHub(String spec) {
        return spec.startsWith("hf:");
    }

    static String name(String spec) {
        if (isHub(spec)) {
            String repo = spec.substring(3);
            int at = repo.indexOf('@');
            return at < 0 ? repo : repo.substring(0, at);
        }
        Path p = Path.of(spec).toAbsolutePath().normalize();
        return p.getFileName() == null ? spec : p.getFileName().toString();
    }

    static Path resolve(String spec, PrintWriter log) {
        if (isHub(spec)) return HubModels.resolve(spec, log);
        try {
            return Path.of(spec); // the loader reports a missing or unreadable file
        } catch (java.nio.file.InvalidPathException e) {
            throw new RingmemException("--model: not a valid path: " + spec);
        }
    }
}
