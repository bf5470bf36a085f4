package io.ringmem.spark;

import io.ringmem.hub.DownloadProgress;
import io.ringmem.hub.HubModelResolver;
import io.ringmem.hub.ModelSource;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where the local and ring executions find {@code hf:ORG/NAME[@REVISION]} models: the cache folder on every executor
 * (the CLI's layout, {@code ROOT/hf/ORG/NAME/REVISION/}, so a folder filled by {@code ringmem score --model hf:...} or
 * shared between hosts is used as it is) and the hub to download from when that folder does not hold a complete copy.
 * Each executor JVM resolves once per model ({@link ExecutorModels}); concurrent executors on one host share the
 * cache through its file lock. Not supported: a token for private repositories.
 *
 * @param cache    the cache root, a path every executor can read (and write, if a download may be needed)
 * @param endpoint the hub, e.g. {@code https://huggingface.co}
 */
record HubSettings(String cache, URI endpoint) implements Serializable {
    HubSettings {
        if (cache == null || cache.isBlank()) {
            throw new IllegalArgumentException("hf: models in the local and ring executions need .hubCache(folder): the model "
                    + "cache every executor reads (the CLI's is ~/.cache/ringmem)");
        }
        if (endpoint == null) endpoint = HubModelResolver.DEFAULT_ENDPOINT;
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("hubEndpoint must be an http(s) URL, got '" + endpoint + "'");
        }
    }

    /** The folder or file to load for {@code model} (an {@code hf:} name), downloading first unless cached completely. */
    Path resolve(String model) {
        return new HubModelResolver(endpoint, Path.of(cache), null, HubModelResolver.defaultHttpClient(), DownloadProgress.none())
                .resolve(ModelSource.parse(model));
    }
}
