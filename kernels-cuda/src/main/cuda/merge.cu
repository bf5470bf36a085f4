// The exact merge of two attention partials over disjoint key sets (io.ringmem.kernel.AttentionMerge):
//   l = m + log(e^(l1-m) + e^(l2-m)), o = e^(l1-l)·o1 + e^(l2-l)·o2, m = max(l1, l2);
// a side with lse = -inf drops out; rows where both are -inf stay (0, -inf).
#include "common.cuh"

// out1 (rows, d) and lse1 (rows) updated in place with out2 (rows, d), lse2 (rows).
// Launch: one warp per row; blockDim.x a multiple of 32; grid.x = ceil(rows / (blockDim.x / 32)).
extern "C" __global__ void attn_merge(float* __restrict__ out1, float* __restrict__ lse1,
                                      const float* __restrict__ out2, const float* __restrict__ lse2,
                                      int rows, int d) {
    int row = (blockIdx.x * blockDim.x + threadIdx.x) >> 5, lane = threadIdx.x & 31;
    if (row >= rows) return;
    float l1 = lse1[row], l2 = lse2[row];
    if (l2 == -CUDART_INF_F) return;
    float* o1 = out1 + (size_t) row * d;
    const float* o2 = out2 + (size_t) row * d;
    if (l1 == -CUDART_INF_F) {
        for (int c = lane; c < d; c += 32) o1[c] = o2[c];
        if (lane == 0) lse1[row] = l2;
        return;
    }
    float m = fmaxf(l1, l2);
    float e1 = expf(l1 - m), e2 = expf(l2 - m), sum = e1 + e2;
    float w1 = e1 / sum, w2 = e2 / sum;
    for (int c = lane; c < d; c += 32) o1[c] = w1 * o1[c] + w2 * o2[c];
    if (lane == 0) lse1[row] = m + logf(sum);
}
