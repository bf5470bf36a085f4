package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.model.RopeLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every typed launch of {@link CudaOps}, recorded instead of sent to a device: its arguments match the kernel's
 * parameter list (which KernelSignaturesTest holds to the PTX), it picks the right kernel, and its geometry is the
 * kernel's contract. Buffers are unallocated stand-ins: nothing here needs a GPU.
 */
class CudaOpsLaunchTest {
    private record Call(String module, String function, Launch geometry, Object[] args) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final CudaOps ops = new CudaOps((module, function, g, args) -> {
        StringBuilder kinds = new StringBuilder();
        for (Object a : args) kinds.append(CudaContext.kind(a));
        KernelSignatures.check(function, kinds.toString());
        calls.add(new Call(module, function, g, args));
    });

    private static DeviceBuffer buf() {
        return DeviceBuffer.unallocated(1024);
    }

    private Call last() {
        return calls.getLast();
    }

    @Test
    void gemmPicksTensorCoresForBf16Weights() {
        DeviceBuffer a = buf(), c = buf();
        ops.gemm(a, 37, new DeviceWeights(buf(), 300, 64, true), c, true);
        assertEquals("gemm_f32a_bf16_tc", last().function());
        assertEquals(Launch.gemmTensorCore(37, 300, 64), last().geometry());
        assertEquals(List.of(37, 300, 64, 1), List.of(last().args()).subList(3, 7));
        ops.gemm(a, 37, new DeviceWeights(buf(), 300, 64, false), c, false);
        assertEquals("gemm_f32", last().function());
        assertEquals(0, last().args()[6]);
    }

    @Test
    void attentionPicksTheKernelByHeadDim() {
        for (int hd : new int[]{16, 32, 64, 128}) {
            AttentionShape s = AttentionShape.of(8, 2, hd);
            ops.attention(s, buf(), buf(), 40, buf(), buf(), buf(), 70, true, buf(), buf());
            assertEquals(AttentionKernel.forHeadDim(hd).function(), last().function());
            assertEquals(Launch.attention(40, 8), last().geometry());
            assertTrue(List.of(last().args()).contains(s.scale()));
        }
        assertThrows(IllegalArgumentException.class,
                () -> ops.attention(AttentionShape.of(8, 2, 96), buf(), buf(), 4, buf(), buf(), buf(), 4, true, buf(), buf()));
        assertThrows(IllegalArgumentException.class,
                () -> ops.attention(AttentionShape.of(8, 2, 64), buf(), buf(), 4, buf(), buf(), buf(), 0, true, buf(), buf()));
    }

    @Test
    void everyOtherKernelLaunchesWithItsSignature() {
        ops.rmsnorm(buf(), buf(), 1e-5f, 7, 64, buf());
        ops.rope(buf(), 7, 4, 8, buf(), buf(), RopeLayout.ADJACENT_PAIRS);
        assertEquals(0, last().args()[6]);
        ops.rope(buf(), 7, 4, 8, buf(), buf(), RopeLayout.ROTATE_HALF);
        assertEquals(1, last().args()[6]);
        assertEquals(Launch.elementwise(7 * 4 * 8), last().geometry());
        ops.swiglu(buf(), buf(), 5000L);
        ops.gatherRows(buf(), buf(), 3, 64, buf());
        ops.merge(buf(), buf(), buf(), buf(), 9, 64);
        ops.logSoftmaxNll(buf(), buf(), 9, 2048, buf(), true);
        ops.embed(buf(), buf(), 9, 64, 2048, buf());
        ops.int8Encode(buf(), 9, 64, buf(), buf(), buf(), buf());
        ops.int8Decode(buf(), buf(), buf(), 9, 64, buf());
        ops.int4EncodeKeys(buf(), 64, 128, buf(), buf(), buf(), buf());
        assertEquals(Launch.elementwise(2 * 64), last().geometry());
        ops.int4EncodeValues(buf(), 64, 48, buf(), buf(), buf(), buf());
        assertEquals(Launch.elementwise(64 * 2), last().geometry()); // 48 channels: groups of 32 and 16
        ops.int4DecodeKeys(buf(), buf(), buf(), 64, 128, buf());
        ops.int4DecodeValues(buf(), buf(), buf(), 64, 48, buf());
        ops.gemmBf16(buf(), 5, new DeviceWeights(buf(), 64, 32, true), buf(), false);
        assertEquals("gemm_bf16_tc", last().function());
        assertThrows(IllegalArgumentException.class, () -> ops.gemmBf16(buf(), 5, new DeviceWeights(buf(), 64, 32, false), buf(), false));
        ops.toBf16(buf(), buf(), 100L);
        ops.add(buf(), buf(), 100L);
        ops.embedBf16(buf(), buf(), 9, 64, 2048, buf());
        assertEquals(18, calls.size());
        assertThrows(IllegalArgumentException.class, () -> ops.int4EncodeKeys(buf(), 40, 128, buf(), buf(), buf(), buf()));
        assertThrows(IllegalArgumentException.class, () -> ops.int4EncodeValues(buf(), 4, 7, buf(), buf(), buf(), buf()));
    }

    @Test
    void standInBuffersRefuseCopies() {
        DeviceBuffer b = buf();
        assertThrows(IllegalStateException.class, () -> b.upload(new float[4], 4));
        assertThrows(IllegalStateException.class, () -> b.download(new float[4], 4));
        b.close();
        b.close();
    }
}
