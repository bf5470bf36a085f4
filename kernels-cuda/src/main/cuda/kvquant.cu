// KV quantization in the exact formats of the host codecs (io.ringmem.kv): the same codes, bit for bit, so a block
// encoded on the device decodes on any host and vice versa.
//   AsymQuant: scale = (max - min) / L, inv = scale == 0 ? 0 : 1 / scale, code = clamp((int)((x - min)·inv + 0.5), 0, L),
//   decode x' = min + code·scale; every operation is an IEEE fp32 op with round-to-nearest and no contraction into
//   FMA (the __f*_rn intrinsics), as Java computes it.
// int8 (Int8Codec): per row = one (token, KV head) of headDim values; scales (rows), mins (rows), codes (rows, d).
// int4 (KiviCodec, bits 4): keys per channel over groups of 32 tokens, values per (token, KV head) over groups of
// vg = min(32, headDim) channels; codes packed two per byte, the even element in the low nibble (BitPacking).
// Non-finite input sets *bad = 1 (the host then refuses the block, as the host codec does).
#include "common.cuh"

namespace {
__device__ __forceinline__ float q_scale(float mn, float mx, float levels) { return __fdiv_rn(__fsub_rn(mx, mn), levels); }
__device__ __forceinline__ float q_inv(float s) { return s == 0.f ? 0.f : __fdiv_rn(1.f, s); }
__device__ __forceinline__ int q_code(float x, float mn, float inv, int levels) {
    int q = (int) __fadd_rn(__fmul_rn(__fsub_rn(x, mn), inv), 0.5f);
    return q < 0 ? 0 : min(q, levels);
}
__device__ __forceinline__ float q_decode(int code, float mn, float s) { return __fadd_rn(mn, __fmul_rn((float) code, s)); }
}  // namespace

// x (rows, d) -> scales (rows), mins (rows), codes (rows, d) bytes. Launch: one warp per row, block 128.
extern "C" __global__ void kv_int8_encode(const float* __restrict__ x, int rows, int d, float* __restrict__ scales,
                                          float* __restrict__ mins, uint8_t* __restrict__ codes, int* bad) {
    int row = (blockIdx.x * blockDim.x + threadIdx.x) >> 5, lane = threadIdx.x & 31;
    if (row >= rows) return;
    const float* xr = x + (size_t) row * d;
    float mn = CUDART_INF_F, mx = -CUDART_INF_F;
    bool finite = true;
    for (int c = lane; c < d; c += 32) {
        float e = xr[c];
        finite &= isfinite(e);
        mn = fminf(mn, e);
        mx = fmaxf(mx, e);
    }
    mn = ringmem::warp_min(mn);
    mx = ringmem::warp_max(mx);
    float s = q_scale(mn, mx, 255.f), inv = q_inv(s);
    if (__any_sync(0xffffffffu, !finite) || !isfinite(s)) {
        if (lane == 0) *bad = 1;
        return;
    }
    if (lane == 0) {
        scales[row] = s;
        mins[row] = mn;
    }
    for (int c = lane; c < d; c += 32) codes[(size_t) row * d + c] = (uint8_t) q_code(xr[c], mn, inv, 255);
}

// Inverse of kv_int8_encode. Elements: rows·d, 1-D grid of 256-thread blocks.
extern "C" __global__ void kv_int8_decode(const float* __restrict__ scales, const float* __restrict__ mins,
                                          const uint8_t* __restrict__ codes, int rows, int d, float* __restrict__ x) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) rows * d) return;
    int row = (int) (i / d);
    x[i] = q_decode(codes[i], mins[row], scales[row]);
}

// Keys k (m, w) with m a multiple of 32 -> scales, mins (m/32, w), packed codes (m·w/2 bytes). w even.
// One thread per (group, channel pair). Elements: (m/32)·(w/2).
extern "C" __global__ void kv_int4_encode_keys(const float* __restrict__ k, int m, int w, float* __restrict__ scales,
                                               float* __restrict__ mins, uint8_t* __restrict__ packed, int* bad) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    int pairs = w / 2;
    if (idx >= (long long) (m / 32) * pairs) return;
    int g = (int) (idx / pairs), c = 2 * (int) (idx % pairs);
    float mn[2], inv[2];
    for (int s = 0; s < 2; s++) {
        float lo = CUDART_INF_F, hi = -CUDART_INF_F;
        bool finite = true;
        for (int t = g * 32; t < g * 32 + 32; t++) {
            float e = k[(size_t) t * w + c + s];
            finite &= isfinite(e);
            lo = fminf(lo, e);
            hi = fmaxf(hi, e);
        }
        float sc = q_scale(lo, hi, 15.f);
        if (!finite || !isfinite(sc)) *bad = 1;
        scales[(size_t) g * w + c + s] = sc;
        mins[(size_t) g * w + c + s] = lo;
        mn[s] = lo;
        inv[s] = q_inv(sc);
    }
    for (int t = g * 32; t < g * 32 + 32; t++) {
        size_t o = (size_t) t * w + c;
        int c0 = q_code(k[o], mn[0], inv[0], 15), c1 = q_code(k[o + 1], mn[1], inv[1], 15);
        packed[o / 2] = (uint8_t) (c0 | c1 << 4);
    }
}

// Values v (m·kvHeads, d) rows -> scales, mins (m·kvHeads, nvg), packed codes (m·kvHeads·d/2 bytes); d even,
// vg = min(32, d), nvg = ceil(d / vg). One thread per (row, group). Elements: rows·nvg.
extern "C" __global__ void kv_int4_encode_values(const float* __restrict__ v, int rows, int d, float* __restrict__ scales,
                                                 float* __restrict__ mins, uint8_t* __restrict__ packed, int* bad) {
    int vg = min(32, d), nvg = (d + vg - 1) / vg;
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) rows * nvg) return;
    int row = (int) (idx / nvg), j = (int) (idx % nvg);
    size_t c0 = (size_t) row * d + j * vg, c1 = (size_t) row * d + min(d, (j + 1) * vg);
    float lo = CUDART_INF_F, hi = -CUDART_INF_F;
    bool finite = true;
    for (size_t c = c0; c < c1; c++) {
        finite &= isfinite(v[c]);
        lo = fminf(lo, v[c]);
        hi = fmaxf(hi, v[c]);
    }
    float sc = q_scale(lo, hi, 15.f), inv = q_inv(sc);
    if (!finite || !isfinite(sc)) *bad = 1;
    scales[idx] = sc;
    mins[idx] = lo;
    for (size_t c = c0; c < c1; c += 2) {
        int a = q_code(v[c], lo, inv, 15), b = q_code(v[c + 1], lo, inv, 15);
        packed[c / 2] = (uint8_t) (a | b << 4);
    }
}

// Inverse of kv_int4_encode_keys. Elements: m·w/2 (one packed byte each).
extern "C" __global__ void kv_int4_decode_keys(const float* __restrict__ scales, const float* __restrict__ mins,
                                               const uint8_t* __restrict__ packed, int m, int w, float* __restrict__ k) {
    long long b = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= (long long) m * w / 2) return;
    long long e = 2 * b;
    int t = (int) (e / w), c = (int) (e % w);
    size_t meta = (size_t) (t / 32) * w + c;
    uint8_t p = packed[b];
    k[e] = q_decode(p & 15, mins[meta], scales[meta]);
    k[e + 1] = q_decode(p >> 4, mins[meta + 1], scales[meta + 1]);
}

// Inverse of kv_int4_encode_values. Elements: rows·d/2.
extern "C" __global__ void kv_int4_decode_values(const float* __restrict__ scales, const float* __restrict__ mins,
                                                 const uint8_t* __restrict__ packed, int rows, int d,
                                                 float* __restrict__ v) {
    int vg = min(32, d), nvg = (d + vg - 1) / vg;
    long long b = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= (long long) rows * d / 2) return;
    long long e = 2 * b;
    int row = (int) (e / d), c = (int) (e % d);
    size_t meta = (size_t) row * nvg + c / vg;  // c and c+1 share a group: groups start at even channels
    uint8_t p = packed[b];
    v[e] = q_decode(p & 15, mins[meta], scales[meta]);
    v[e + 1] = q_decode(p >> 4, mins[meta], scales[meta]);
}
