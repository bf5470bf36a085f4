package io.ringmem.spark;

import io.ringmem.segment.SegmentConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings the executors get are checked on the driver, with messages naming the setting. */
class AnalysisSpecTest {
    private static AnalysisSpec spec(Execution e, String model, int ringSize, ServiceSettings service) {
        return new AnalysisSpec(AnalysisTask.SCORE, e, model, null, SegmentConfig.builder().build(), false, 1000, "vector", 0, 256,
                ringSize, service, null);
    }

    private static ServiceSettings service(String url) {
        return new ServiceSettings(url, null, 4, 5, Duration.ofMinutes(1));
    }

    @Test
    void localAndRingNeedAReadableModelPath() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec(Execution.LOCAL, null, 2, null))
                .getMessage().startsWith("the local execution needs a model"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec(Execution.RING, "hf:org/model", 2, null))
                .getMessage().startsWith("model 'hf:org/model': hf: models in the local and ring executions need .hubCache(folder)"));
        assertEquals("org/model", spec(Execution.SERVICE, "hf:org/model@main", 2, service("http://h:1")).modelName());
        assertEquals("tinystories-656k", spec(Execution.LOCAL, "/models/tinystories-656k/", 2, null).modelName());
    }

    @Test
    void serviceSettings() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec(Execution.SERVICE, null, 2, null))
                .getMessage().contains(".serviceUrl(...)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> service("ftp://h/"))
                .getMessage().startsWith("serviceUrl must be an http(s) URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ServiceSettings("http://h:1", null, 0, 5, Duration.ofMinutes(1)))
                .getMessage().startsWith("maxInFlight must be in 1..256"));
        String shown = new ServiceSettings("http://h:1", "secret-key", 4, 5, Duration.ofMinutes(1)).toString();
        assertFalse(shown.contains("secret-key"), shown);
    }

    @Test
    void ringSizeIsBounded() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec(Execution.RING, "/m", 0, null))
                .getMessage().startsWith("ringSize must be in 1..64"));
    }
}
