// GEMM in the orientation of the model's weights (io.ringmem.model.LayerWeights: W is (out, in), y = x · Wᵀ):
//   C (M, N) = A (M, K) · B (N, K)ᵀ  (+ C when accumulate != 0)
// gemm_bf16_tc:      A and B bf16, tensor cores (WMMA 16x16x16 bf16, fp32 accumulate), C fp32
// gemm_f32a_bf16_tc: A fp32 (rounded to bf16 while staged in shared memory), B bf16, tensor cores, C fp32
// gemm_f32:          A, B, C fp32 on the CUDA cores: the fallback and the fp32-weights path
// Ragged M, N, K are allowed (edges are zero-padded in shared memory). Row-major everything.
#include "common.cuh"
#include <mma.h>

using namespace nvcuda;

namespace {
constexpr int TC_BM = 128, TC_BN = 128, TC_BK = 32;  // block tile
constexpr int TC_WM = 64, TC_WN = 32;                // warp tile: 4 x 2 fragments of 16x16
constexpr int TC_THREADS = 256;                      // 8 warps: 2 (M) x 4 (N)
constexpr int TC_PAD = 8;                            // bf16 elements of row padding against bank conflicts
constexpr int TC_LD = TC_BK + TC_PAD;

__device__ __forceinline__ __nv_bfloat16 to_bf16(float v) { return __float2bfloat16_rn(v); }
__device__ __forceinline__ __nv_bfloat16 to_bf16(__nv_bfloat16 v) { return v; }

// Stages rows [r0, r0 + rows) x cols [k0, k0 + TC_BK) of src (R, K) into dst (rows, TC_LD), zero-padding outside.
template <typename T>
__device__ __forceinline__ void stage(const T* __restrict__ src, int R, int K, int r0, int k0, int rows,
                                      __nv_bfloat16* dst) {
    constexpr int CHUNK = 8;  // 8 consecutive k per thread step
    int chunks = rows * (TC_BK / CHUNK);
    for (int c = threadIdx.x; c < chunks; c += TC_THREADS) {
        int r = c / (TC_BK / CHUNK), kk = (c % (TC_BK / CHUNK)) * CHUNK;
        int gr = r0 + r, gk = k0 + kk;
        __nv_bfloat16* d = dst + r * TC_LD + kk;
        if (gr < R && gk + CHUNK <= K) {
            const T* s = src + (size_t) gr * K + gk;
#pragma unroll
            for (int j = 0; j < CHUNK; j++) d[j] = to_bf16(s[j]);
        } else {
#pragma unroll
            for (int j = 0; j < CHUNK; j++) {
                d[j] = gr < R && gk + j < K ? to_bf16(src[(size_t) gr * K + gk + j]) : __float2bfloat16_rn(0.f);
            }
        }
    }
}

template <typename TA>
__device__ void gemm_tc(const TA* __restrict__ A, const __nv_bfloat16* __restrict__ B, float* C, int M, int N, int K,
                        int accumulate) {
    __shared__ __align__(32) __nv_bfloat16 As[TC_BM * TC_LD];
    __shared__ __align__(32) __nv_bfloat16 Bs[TC_BN * TC_LD];
    __shared__ __align__(32) float scratch[TC_THREADS / 32][16 * 16];
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int wm = warp / 4, wn = warp % 4;
    int m0 = blockIdx.y * TC_BM, n0 = blockIdx.x * TC_BN;

    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[TC_WM / 16][TC_WN / 16];
#pragma unroll
    for (int i = 0; i < TC_WM / 16; i++)
#pragma unroll
        for (int j = 0; j < TC_WN / 16; j++) wmma::fill_fragment(acc[i][j], 0.f);

    for (int k0 = 0; k0 < K; k0 += TC_BK) {
        stage(A, M, K, m0, k0, TC_BM, As);
        stage(B, N, K, n0, k0, TC_BN, Bs);
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TC_BK; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a[TC_WM / 16];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> b[TC_WN / 16];
#pragma unroll
            for (int i = 0; i < TC_WM / 16; i++) {
                wmma::load_matrix_sync(a[i], As + (wm * TC_WM + i * 16) * TC_LD + kk, TC_LD);
            }
#pragma unroll
            for (int j = 0; j < TC_WN / 16; j++) {
                // Bs holds B rows (n, k): as a (k, n) matrix that is column-major with leading dimension TC_LD
                wmma::load_matrix_sync(b[j], Bs + (wn * TC_WN + j * 16) * TC_LD + kk, TC_LD);
            }
#pragma unroll
            for (int i = 0; i < TC_WM / 16; i++)
#pragma unroll
                for (int j = 0; j < TC_WN / 16; j++) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    // epilogue through a per-warp 16x16 scratch tile, so ragged edges and accumulate are plain bounds checks
    float* s = scratch[warp];
#pragma unroll
    for (int i = 0; i < TC_WM / 16; i++) {
#pragma unroll
        for (int j = 0; j < TC_WN / 16; j++) {
            wmma::store_matrix_sync(s, acc[i][j], 16, wmma::mem_row_major);
            __syncwarp();
            int r0 = m0 + wm * TC_WM + i * 16, c0 = n0 + wn * TC_WN + j * 16;
            for (int e = lane; e < 256; e += 32) {
                int r = r0 + e / 16, c = c0 + e % 16;
                if (r < M && c < N) {
                    size_t o = (size_t) r * N + c;
                    C[o] = accumulate ? C[o] + s[e] : s[e];
                }
            }
            __syncwarp();
        }
    }
}

constexpr int F_BM = 64, F_BN = 64, F_BK = 16, F_THREADS = 256;  // 16 x 16 threads, 4 x 4 outputs each
}  // namespace

// Launch: grid (ceil(N/128), ceil(M/128)), block 256, static shared memory only.
extern "C" __global__ void __launch_bounds__(TC_THREADS)
gemm_bf16_tc(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B, float* C, int M, int N, int K,
             int accumulate) {
    gemm_tc(A, B, C, M, N, K, accumulate);
}

// Launch: as gemm_bf16_tc.
extern "C" __global__ void __launch_bounds__(TC_THREADS)
gemm_f32a_bf16_tc(const float* __restrict__ A, const __nv_bfloat16* __restrict__ B, float* C, int M, int N, int K,
                  int accumulate) {
    gemm_tc(A, B, C, M, N, K, accumulate);
}

// Launch: grid (ceil(N/64), ceil(M/64)), block 256.
extern "C" __global__ void __launch_bounds__(F_THREADS)
gemm_f32(const float* __restrict__ A, const float* __restrict__ B, float* C, int M, int N, int K, int accumulate) {
    __shared__ float As[F_BK][F_BM + 4];  // transposed tiles: As[k][m], Bs[k][n]
    __shared__ float Bs[F_BK][F_BN + 4];
    int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    int m0 = blockIdx.y * F_BM, n0 = blockIdx.x * F_BN;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < K; k0 += F_BK) {
        for (int e = threadIdx.x; e < F_BM * F_BK; e += F_THREADS) {
            int r = e / F_BK, k = e % F_BK;
            int gm = m0 + r, gn = n0 + r, gk = k0 + k;
            As[k][r] = gm < M && gk < K ? A[(size_t) gm * K + gk] : 0.f;
            Bs[k][r] = gn < N && gk < K ? B[(size_t) gn * K + gk] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < F_BK; k++) {
            float a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = As[k][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; j++) b[j] = Bs[k][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int r = m0 + ty + 16 * i, c = n0 + tx + 16 * j;
            if (r < M && c < N) {
                size_t o = (size_t) r * N + c;
                C[o] = accumulate ? C[o] + acc[i][j] : acc[i][j];
            }
        }
    }
}
