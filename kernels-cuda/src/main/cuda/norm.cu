// RMSNorm, log-softmax / NLL. fp32 in and out, fp32 accumulation (the scalar reference accumulates in double; the
// difference is within the documented fp32 tolerances of docs/gpu.md).
#include "common.cuh"

// out[t] = x[t] / sqrt(mean(x[t]^2) + eps) * w; x, out (n, dim), w (dim); out may be x.
// Launch: grid.x = n, blockDim.x = 256 (any multiple of 32 up to 1024).
extern "C" __global__ void rmsnorm_f32(const float* x, const float* __restrict__ w, float eps, int n, int dim,
                                       float* out) {
    __shared__ float scratch[32];
    int t = blockIdx.x;
    if (t >= n) return;
    const float* xr = x + (size_t) t * dim;
    float ss = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) ss += xr[i] * xr[i];
    ss = ringmem::block_sum(ss, scratch);
    float inv = rsqrtf(ss / dim + eps);
    float* orow = out + (size_t) t * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) orow[i] = w[i] * (xr[i] * inv);
}

// Per row of logits (n, vocab): lse = log(sum(exp(x))), nll[t] = lse - x[t][target[t]] (NaN for a target outside
// [0, vocab); -1 means no target and writes 0). When write_logprobs != 0 the row is replaced by x - lse.
// Launch: grid.x = n, blockDim.x = 256.
extern "C" __global__ void log_softmax_nll(float* logits, const int* __restrict__ target, int n, int vocab,
                                           float* __restrict__ nll, int write_logprobs) {
    __shared__ float scratch[32];
    int t = blockIdx.x;
    if (t >= n) return;
    float* x = logits + (size_t) t * vocab;
    float m = -CUDART_INF_F;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) m = fmaxf(m, x[i]);
    m = ringmem::block_max(m, scratch);
    float s = 0.f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) s += expf(x[i] - m);
    s = ringmem::block_sum(s, scratch);
    float lse = m + logf(s);
    if (threadIdx.x == 0) {
        int y = target[t];
        nll[t] = y < 0 ? 0.f : (y >= vocab ? CUDART_NAN_F : lse - x[y]);
    }
    __syncthreads();  // the target's logit is read before the row is overwritten
    if (write_logprobs) for (int i = threadIdx.x; i < vocab; i += blockDim.x) x[i] -= lse;
}
