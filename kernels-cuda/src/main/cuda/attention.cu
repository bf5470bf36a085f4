// Flash-attention forward (online softmax over key tiles, Dao et al. 2022) returning the normalized output and its
// log-sum-exp, the (out, lse) of io.ringmem.kernel.Kernels#attention, so partials merge exactly (merge.cu).
//   q (nq, heads, D), k and v (nk, kvHeads, D), qPos (nq), kPos (nk): global positions; causal: key j is visible
//   to query i only if kPos[j] <= qPos[i]. GQA: query head h reads KV head h / (heads / kvHeads).
//   out (nq, heads, D), lse (nq, heads) natural log of sum(exp(scale · q·k)); rows that see no key get (0, -inf).
// Ragged nq and nk (no multiple of the tile required); positions need not be sorted (zigzag shards are not),
// but a key tile whose smallest position exceeds every query position of the block is skipped when causal.
// fp32 throughout on the CUDA cores (no tensor cores yet: see docs/gpu.md).
#include "common.cuh"

namespace {
constexpr int ROWS = 4;                   // query rows per warp
constexpr int WARPS = 4;                  // warps per block
constexpr int BR = ROWS * WARPS;          // query rows per block
constexpr int BC = 32;                    // keys per tile: one per lane when scoring
constexpr float LOG2E = 1.4426950408889634f;
constexpr float LN2 = 0.6931471805599453f;

// D: the head-dim capacity of the shared tiles; d <= D the actual head dim (the small kernel takes any d <= 32).
template <int D>
__device__ void flash_fwd(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                          const int* __restrict__ qPos, const int* __restrict__ kPos, int nq, int nk, int heads,
                          int kvHeads, int d, float scale, int causal, float* __restrict__ out,
                          float* __restrict__ lse) {
    static_assert(D % 32 == 0, "head dim capacity must be a multiple of 32");
    constexpr int PER = D / 32;           // output dims per lane
    __shared__ float Qs[BR][D];
    __shared__ float Ks[BC][D + 1];       // +1: lane j reads row j, conflict-free
    __shared__ float Vs[BC][D];
    __shared__ int kp[BC];
    __shared__ int qmax[WARPS];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int h = blockIdx.y, kh = h / (heads / kvHeads);
    int i0 = blockIdx.x * BR;
    float s2 = scale * LOG2E;             // scores in log2 units: exp2f is one instruction

    for (int e = threadIdx.x; e < BR * d; e += blockDim.x) {
        int r = e / d, c = e % d, i = i0 + r;
        Qs[r][c] = i < nq ? q[((size_t) i * heads + h) * d + c] * s2 : 0.f;
    }
    int myPos[ROWS];
    int pmax = -2147483647 - 1;
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        int i = i0 + warp * ROWS + r;
        myPos[r] = i < nq ? qPos[i] : -2147483647 - 1;
        pmax = max(pmax, myPos[r]);
    }
    if (lane == 0) qmax[warp] = pmax;
    __syncthreads();
    int blockMax = qmax[0];
#pragma unroll
    for (int w = 1; w < WARPS; w++) blockMax = max(blockMax, qmax[w]);

    float m[ROWS], l[ROWS], acc[ROWS][PER];
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        m[r] = -CUDART_INF_F;
        l[r] = 0.f;
#pragma unroll
        for (int p = 0; p < PER; p++) acc[r][p] = 0.f;
    }

    for (int j0 = 0; j0 < nk; j0 += BC) {
        int jn = min(BC, nk - j0);
        if (causal) {  // uniform across the block: every thread computes the same tile minimum
            int kmin = lane < jn ? kPos[j0 + lane] : 2147483647;
#pragma unroll
            for (int o = 16; o > 0; o >>= 1) kmin = min(kmin, __shfl_xor_sync(0xffffffffu, kmin, o));
            if (kmin > blockMax) continue;
        }
        __syncthreads();  // the previous tile is no longer read
        for (int e = threadIdx.x; e < BC * d; e += blockDim.x) {
            int j = e / d, c = e % d;
            bool in = j < jn;
            size_t o = ((size_t) (j0 + j) * kvHeads + kh) * d + c;
            Ks[j][c] = in ? k[o] : 0.f;
            Vs[j][c] = in ? v[o] : 0.f;
        }
        if (threadIdx.x < BC) kp[threadIdx.x] = threadIdx.x < jn ? kPos[j0 + threadIdx.x] : 0;
        __syncthreads();

        float s[ROWS];
#pragma unroll
        for (int r = 0; r < ROWS; r++) s[r] = 0.f;
#pragma unroll 2
        for (int c = 0; c < d; c++) {
            float kc = Ks[lane][c];
#pragma unroll
            for (int r = 0; r < ROWS; r++) s[r] = fmaf(Qs[warp * ROWS + r][c], kc, s[r]);
        }
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            bool visible = lane < jn && (!causal || kp[lane] <= myPos[r]);
            float sr = visible ? s[r] : -CUDART_INF_F;
            float mNew = fmaxf(m[r], ringmem::warp_max(sr));
            bool none = mNew == -CUDART_INF_F;     // nothing visible yet for this row: keep (m, l, acc)
            float p = none ? 0.f : exp2f(sr - mNew);          // 0 for masked keys
            float alpha = none ? 1.f : exp2f(m[r] - mNew);    // 0 when m was -inf
            l[r] = l[r] * alpha + ringmem::warp_sum(p);
            m[r] = mNew;
#pragma unroll
            for (int pp = 0; pp < PER; pp++) acc[r][pp] *= alpha;
            for (int j = 0; j < jn; j++) {
                float pj = __shfl_sync(0xffffffffu, p, j);
#pragma unroll
                for (int pp = 0; pp < PER; pp++) acc[r][pp] = fmaf(pj, Vs[j][lane + 32 * pp], acc[r][pp]);
            }
        }
    }
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        int i = i0 + warp * ROWS + r;
        if (i >= nq) continue;
        size_t ro = (size_t) i * heads + h;
        bool none = l[r] == 0.f;
        float inv = none ? 0.f : 1.f / l[r];
#pragma unroll
        for (int pp = 0; pp < PER; pp++) {
            if (lane + 32 * pp < d) out[ro * d + lane + 32 * pp] = acc[r][pp] * inv;
        }
        if (lane == 0) lse[ro] = none ? -CUDART_INF_F : (m[r] + log2f(l[r])) * LN2;
    }
}
}  // namespace

// Launch (all three): grid (ceil(nq / 16), heads), block 128, static shared memory only.
// d = 64 and d = 128 exactly; the small kernel takes any head dim d <= 32 (tinystories-656k has 16, stories260K 8).
extern "C" __global__ void __launch_bounds__(WARPS * 32)
flash_attn_fwd_d64(const float* q, const float* k, const float* v, const int* qPos, const int* kPos, int nq, int nk,
                   int heads, int kvHeads, float scale, int causal, float* out, float* lse) {
    flash_fwd<64>(q, k, v, qPos, kPos, nq, nk, heads, kvHeads, 64, scale, causal, out, lse);
}

extern "C" __global__ void __launch_bounds__(WARPS * 32)
flash_attn_fwd_d128(const float* q, const float* k, const float* v, const int* qPos, const int* kPos, int nq,
                    int nk, int heads, int kvHeads, float scale, int causal, float* out, float* lse) {
    flash_fwd<128>(q, k, v, qPos, kPos, nq, nk, heads, kvHeads, 128, scale, causal, out, lse);
}

extern "C" __global__ void __launch_bounds__(WARPS * 32)
flash_attn_fwd_small(const float* q, const float* k, const float* v, const int* qPos, const int* kPos, int nq,
                     int nk, int heads, int kvHeads, int d, float scale, int causal, float* out, float* lse) {
    flash_fwd<32>(q, k, v, qPos, kPos, nq, nk, heads, kvHeads, d, scale, causal, out, lse);
}
