package io.ringmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;
import io.ringmem.backend.Availability;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendProvider;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.cpu.CpuBackend;
import io.ringmem.backend.cpu.ScalarBackendProvider;
import io.ringmem.backend.cpu.VectorBackendProvider;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RotaryAngles;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;
import io.ringmem.tensor.Matrix;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device}: on this machine's real registry (no GPU in CI) {@code auto} falls back to the CPU and logs why
 * and {@code cuda} fails with one line; with stand-in "cuda" providers the self-test decides: a correct one is
 * chosen, a wrong one never is.
 */
class DeviceSelectionTest {
    private final StringWriter log = new StringWriter();
    private final PrintWriter out = new PrintWriter(log, true);

    @Test
    void cpuIsTheKernelsBackendAndLogsNothing() {
        try (Backend b = DeviceSelection.select(Backends.discover(), "cpu", "scalar", "bf16", 1, out)) {
            assertEquals("scalar", b.name());
        }
        assertEquals("", log.toString());
    }

    @Test
    void autoFallsBackToCpuWithTheReasonWhenNoGpuIsUsable() {
        Backends real = Backends.discover();
        Availability cuda = real.availability("cuda");
        if (cuda.available()) return; // a GPU machine: the gpu-tagged tests cover selection there
        try (Backend b = DeviceSelection.select(real, "auto", "vector", "bf16", 2, out)) {
            assertEquals("vector", b.name());
        }
        String line = log.toString().strip();
        assertTrue(line.startsWith("ringmem: device auto: cpu (vector kernels); cuda not used: no usable CUDA device: "), line);
        assertTrue(line.contains(cuda.reason()), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void cudaFailsWithOneLineWhenNoGpuIsUsable() {
        Backends real = Backends.discover();
        if (real.availability("cuda").available()) return;
        for (String precision : List.of("bf16", "fp32")) {
            RingmemException e = assertThrows(RingmemException.class,
                    () -> DeviceSelection.select(real, "cuda", "vector", precision, 1, out));
            assertTrue(e.getMessage().startsWith("--device cuda: no usable CUDA device: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aGpuThatPassesItsSelfTestIsChosenAndLogged() {
        Backends r = Backends.of(List.of(new ScalarBackendProvider(), new VectorBackendProvider(), new StandIn("cuda", false)));
        try (Backend b = DeviceSelection.select(r, "auto", "vector", "bf16", 1, out)) {
            assertEquals("cuda", b.name());
        }
        assertTrue(log.toString().startsWith("ringmem: device auto: cuda; self-test passed: max normalized error"), log.toString());
    }

    @Test
    void aGpuThatFailsItsSelfTestIsNeverChosen() {
        Backends r = Backends.of(List.of(new ScalarBackendProvider(), new VectorBackendProvider(), new StandIn("cuda", true)));
        try (Backend b = DeviceSelection.select(r, "auto", "scalar", "bf16", 1, out)) {
            assertEquals("scalar", b.name());
        }
        assertTrue(log.toString().contains("cuda not used: the CUDA self-test failed: max normalized error"), log.toString());
        RingmemException e = assertThrows(RingmemException.class, () -> DeviceSelection.select(r, "cuda", "scalar", "bf16", 1, out));
        assertTrue(e.getMessage().startsWith("--device cuda: the CUDA self-test failed: "), e.getMessage());
    }

    @Test
    void badValuesAreOneLineErrors() {
        Backends r = Backends.discover();
        assertThrows(RingmemException.class, () -> DeviceSelection.select(r, "tpu", "vector", "bf16", 1, out));
        assertThrows(RingmemException.class, () -> DeviceSelection.select(r, "auto", "vector", "fp8", 1, out));
        RingmemException e = assertThrows(RingmemException.class, () -> DeviceSelection.select(r, "cpu", "cuda", "bf16", 1, out));
        assertTrue(e.getMessage().contains("--device cuda"), e.getMessage());
        assertEquals("cuda-fp32", DeviceSelection.gpuBackend("FP32"));
    }

    @Test
    void theCliOnThisMachine(@TempDir Path dir) throws Exception {
        if (Backends.discover().availability("cuda").available()) return;
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, "1 403 407 261 378 432");
        String model = CliTest.data("models/stories260K/stories260K.bin").toString();
        CliTest.Result cuda = CliTest.run("score", "--model", model, "--tokens", ids.toString(), "--device", "cuda", "--json");
        assertTrue(cuda.code() != 0);
        assertTrue(cuda.err().contains("--device cuda: no usable CUDA device: "), cuda.err());
        assertFalse(cuda.err().contains("\tat "), "no stack trace: " + cuda.err());
        CliTest.Result auto = CliTest.run("score", "--model", model, "--tokens", ids.toString(), "--device", "auto", "--json");
        assertEquals(0, auto.code(), auto.err());
        assertTrue(auto.err().contains("ringmem: device auto: cpu (vector kernels); cuda not used: "), auto.err());
        CliTest.Result cpu = CliTest.run("score", "--model", model, "--tokens", ids.toString(), "--json");
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(cpu.out()).get("nll"), json.readTree(auto.out()).get("nll"), "auto ran on the CPU backend");
    }

    /** A provider named like the GPU one, running the scalar kernels, optionally with a wrong attention. */
    private record StandIn(String name, boolean wrong) implements BackendProvider {
        @Override
        public Availability probe() {
            return Availability.yes();
        }

        @Override
        public Backend create(BackendSettings settings) {
            Kernels k = wrong ? new OneWrongElement() : new ScalarKernels();
            Backend inner = CpuBackend.owning(k);
            return new Backend() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Kernels kernels() {
                    return inner.kernels();
                }

                @Override
                public DeviceModel upload(ModelConfig c, ModelWeights w) {
                    return inner.upload(c, w);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }

    /** The scalar kernels with one attention output element off by 1. */
    private static final class OneWrongElement implements Kernels {
        private final ScalarKernels k = new ScalarKernels();

        @Override
        public String name() {
            return "wrong";
        }

        @Override
        public void matmul(float[] x, int n, Matrix w, float[] out) {
            k.matmul(x, n, w, out);
        }

        @Override
        public void rmsnorm(float[] x, float[] weight, float eps, int n, float[] out) {
            k.rmsnorm(x, weight, eps, n, out);
        }

        @Override
        public void rope(float[] x, int n, int heads, RotaryAngles angles) {
            k.rope(x, n, heads, angles);
        }

        @Override
        public void swiglu(float[] gate, float[] up, int len) {
            k.swiglu(gate, up, len);
        }

        @Override
        public void softmax(float[] x, int off, int len) {
            k.softmax(x, off, len);
        }

        @Override
        public void attention(AttentionShape s, float[] q, int[] qPos, int nq, float[] kk, float[] v, int[] kPos, int nk,
                              boolean causal, float[] out, float[] lse) {
            k.attention(s, q, qPos, nq, kk, v, kPos, nk, causal, out, lse);
            out[0] += 1f;
        }
    }
}
