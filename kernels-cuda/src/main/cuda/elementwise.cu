// Element-wise kernels of a Llama block: RoPE (both layouts), SwiGLU, residual add, embedding gather, row gather,
// fp32 -> bf16 conversion. Launch (all): a 1-D grid of 256-thread blocks covering the element count given below.
#include "common.cuh"

// Rotates x (n, heads, 2·half) in place with cos, sin (n, half): pair i of token t by its angle.
// layout 0 = ADJACENT_PAIRS (2i, 2i+1; llama2.c / GGUF / GPT-J), 1 = ROTATE_HALF (i, i+half; Hugging Face / NeoX).
// Elements: n·heads·half.
extern "C" __global__ void rope_f32(float* x, int n, int heads, int half, const float* __restrict__ cosv,
                                    const float* __restrict__ sinv, int layout) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) n * heads * half;
    if (idx >= total) return;
    int i = (int) (idx % half);
    long long th = idx / half;          // t·heads + h
    int t = (int) (th / heads);
    float c = cosv[(size_t) t * half + i], s = sinv[(size_t) t * half + i];
    size_t base = (size_t) th * 2 * half;
    size_t i0 = layout == 0 ? base + 2 * i : base + i;
    size_t i1 = layout == 0 ? i0 + 1 : i0 + half;
    float x0 = x[i0], x1 = x[i1];
    x[i0] = x0 * c - x1 * s;
    x[i1] = x0 * s + x1 * c;
}

// gate[i] = silu(gate[i]) · up[i]. Elements: len.
extern "C" __global__ void swiglu_f32(float* gate, const float* __restrict__ up, long long len) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= len) return;
    float g = gate[i];
    gate[i] = g / (1.f + expf(-g)) * up[i];
}

// h[i] += y[i]. Elements: len.
extern "C" __global__ void add_f32(float* h, const float* __restrict__ y, long long len) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) h[i] += y[i];
}

// out (n, dim) = rows ids[t] of table (vocab, dim) fp32; an id outside [0, vocab) gives a zero row.
// Elements: n·dim.
extern "C" __global__ void embed_f32(const float* __restrict__ table, const int* __restrict__ ids, int n, int dim,
                                     int vocab, float* __restrict__ out) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) n * dim) return;
    int t = (int) (idx / dim), c = (int) (idx % dim), id = ids[t];
    out[idx] = id >= 0 && id < vocab ? table[(size_t) id * dim + c] : 0.f;
}

// The same from a bf16 table.
extern "C" __global__ void embed_bf16(const __nv_bfloat16* __restrict__ table, const int* __restrict__ ids, int n,
                                      int dim, int vocab, float* __restrict__ out) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) n * dim) return;
    int t = (int) (idx / dim), c = (int) (idx % dim), id = ids[t];
    out[idx] = id >= 0 && id < vocab ? __bfloat162float(table[(size_t) id * dim + c]) : 0.f;
}

// out (count, dim) = x rows rows[i] (x (n, dim)); rows are validated on the host. Elements: count·dim.
extern "C" __global__ void gather_rows_f32(const float* __restrict__ x, const int* __restrict__ rows, int count,
                                           int dim, float* __restrict__ out) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) count * dim) return;
    int i = (int) (idx / dim), c = (int) (idx % dim);
    out[idx] = x[(size_t) rows[i] * dim + c];
}

// out[i] = bf16(x[i]), round to nearest even (what the host's weight packing does). Elements: len.
extern "C" __global__ void f32_to_bf16(const float* __restrict__ x, __nv_bfloat16* __restrict__ out, long long len) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) out[i] = __float2bfloat16_rn(x[i]);
}

// x[i] = value. Elements: len.
extern "C" __global__ void fill_f32(float* __restrict__ x, long long len, float value) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) x[i] = value;
}
