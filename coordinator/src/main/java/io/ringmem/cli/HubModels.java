package io.ringmem.cli;

import io.ringmem.RingmemException;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Entry-point glue for hub models: reads HF_ENDPOINT, HF_TOKEN and RINGMEM_CACHE and resolves hf: specs. */
final class HubModels {
    private HubModels() {
    }

    static Path resolve(String spec, PrintWriter log) {
        throw new RingmemException("hf: models are not available in this build");
    }
}
