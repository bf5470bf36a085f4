package io.ringmem.cuda;

import static io.ringmem.cuda.GpuTests.assertClose;
import static io.ringmem.cuda.GpuTests.gaussian;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.ScalarKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The double-buffered KV pipeline (copy stream + events, partials merged on the device) equals one attention call
 * over all keys, for 1 to 5 ragged blocks in zigzag order, causal and not (normalized 1e-4). GPU only.
 */
@Tag("gpu")
@EnabledIf("io.ringmem.cuda.GpuTests#available")
class GpuRingPipelineTest {

    @ParameterizedTest(name = "blocks={0}")
    @ValueSource(ints = {1, 2, 4, 5})
    void pipelineEqualsOneCall(int blocks) {
        AttentionShape s = AttentionShape.of(8, 2, 64);
        int nq = 70, w = s.kvHeads() * s.headDim();
        int[] sizes = new int[blocks];
        int nk = 0;
        for (int b = 0; b < blocks; b++) nk += sizes[b] = 20 + 37 * b;
        float[] q = gaussian(nq * s.heads() * s.headDim(), blocks, 1);
        float[] k = gaussian(nk * w, blocks + 1, 1), v = gaussian(nk * w, blocks + 2, 1);
        int[] kPos = new int[nk], qPos = new int[nq];
        for (int j = 0; j < nk; j++) kPos[j] = (j * 7919) % nk;          // a permutation: blocks are not contiguous
        for (int i = 0; i < nq; i++) qPos[i] = (i * 13) % nk;
        List<KvRingPipeline.HostBlock> list = new ArrayList<>();
        for (int b = blocks - 1, off = nk; b >= 0; b--) {                // last block first, as a ring delivers them
            off -= sizes[b];
            list.add(new KvRingPipeline.HostBlock(Arrays.copyOfRange(k, off * w, (off + sizes[b]) * w),
                    Arrays.copyOfRange(v, off * w, (off + sizes[b]) * w), Arrays.copyOfRange(kPos, off, off + sizes[b]), sizes[b]));
        }
        for (boolean causal : new boolean[]{true, false}) {
            float[] out = new float[q.length], lse = new float[nq * s.heads()];
            new ScalarKernels().attention(s, q, qPos, nq, k, v, kPos, nk, causal, out, lse);
            float[] gotOut = new float[out.length], gotLse = new float[lse.length];
            try (CudaContext ctx = GpuTests.context()) {
                int maxBlock = Arrays.stream(sizes).max().orElseThrow();
                ctx.run(() -> {
                    try (KvRingPipeline p = new KvRingPipeline(ctx, s, maxBlock);
                         DeviceBuffer dq = DeviceBuffer.of(ctx, q, q.length); DeviceBuffer dp = DeviceBuffer.of(ctx, qPos, nq);
                         DeviceBuffer o = DeviceBuffer.floats(ctx, out.length); DeviceBuffer l = DeviceBuffer.floats(ctx, lse.length)) {
                        p.run(dq, dp, nq, list, causal, o, l);
                        o.download(gotOut, out.length);
                        l.download(gotLse, lse.length);
                    }
                });
            }
            assertClose(out, gotOut, out.length, 1e-4, "pipelined out, causal=" + causal);
            assertClose(lse, gotLse, lse.length, 1e-4, "pipelined lse, causal=" + causal);
        }
    }
}
