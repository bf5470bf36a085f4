package io.ringmem.cuda;

/**
 * The launch geometry of one kernel call: grid and block dimensions and dynamic shared memory (all our kernels use
 * static shared memory, so it is 0). The factories encode each kernel's contract as its {@code .cu} comment states
 * it; they validate the shape and the hardware limits (grid.x below 2^31, grid.y and grid.z at most 65535, at most
 * 1024 threads per block), so a shape the device would reject fails on the host with a clear message.
 */
public record Launch(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
    /** Threads of a 1-D element-wise block. */
    public static final int ELEMENTWISE_THREADS = 256;
    /** gemm_bf16_tc / gemm_f32a_bf16_tc: 128 x 128 output tile, 8 warps. */
    public static final int TC_TILE = 128;
    public static final int TC_THREADS = 256;
    /** gemm_f32: 64 x 64 output tile, 256 threads of 4 x 4 outputs. */
    public static final int F32_TILE = 64;
    /** flash_attn_fwd_*: 16 query rows (4 warps of 4 rows) per block. */
    public static final int ATTN_ROWS = 16;
    public static final int ATTN_THREADS = 128;
    /** Kernels with one warp per row: rows per 128-thread block. */
    public static final int WARP_ROWS_THREADS = 128;
    private static final int MAX_GRID_YZ = 65_535;

    public Launch {
        if (gridX < 1 || gridY < 1 || gridZ < 1) throw new IllegalArgumentException("empty grid " + gridX + "x" + gridY + "x" + gridZ);
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
            throw new IllegalArgumentException("grid " + gridX + "x" + gridY + "x" + gridZ + " exceeds 65535 in y or z");
        }
        if (blockX < 1 || blockY < 1 || blockZ < 1 || (long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("block " + blockX + "x" + blockY + "x" + blockZ + " is not 1..1024 threads");
        }
        if (sharedBytes < 0) throw new IllegalArgumentException("negative shared memory");
    }

    /** C (m, n) = A (m, k) · B (n, k)ᵀ on tensor cores. */
    public static Launch gemmTensorCore(int m, int n, int k) {
        checkGemm(m, n, k);
        return new Launch(ceil(n, TC_TILE), ceil(m, TC_TILE), 1, TC_THREADS, 1, 1, 0);
    }

    /** C (m, n) = A (m, k) · B (n, k)ᵀ on the CUDA cores in fp32. */
    public static Launch gemmF32(int m, int n, int k) {
        checkGemm(m, n, k);
        return new Launch(ceil(n, F32_TILE), ceil(m, F32_TILE), 1, 256, 1, 1, 0);
    }

    /** Flash attention of nq queries: one block per 16 query rows and head. */
    public static Launch attention(int nq, int heads) {
        if (nq < 1 || heads < 1) throw new IllegalArgumentException("attention needs queries and heads: nq=" + nq + " heads=" + heads);
        return new Launch(ceil(nq, ATTN_ROWS), heads, 1, ATTN_THREADS, 1, 1, 0);
    }

    /** One warp per row (attn_merge, kv_int8_encode). */
    public static Launch warpPerRow(int rows) {
        if (rows < 1) throw new IllegalArgumentException("no rows");
        return new Launch(ceil(rows, WARP_ROWS_THREADS / 32), 1, 1, WARP_ROWS_THREADS, 1, 1, 0);
    }

    /** One block per row (rmsnorm_f32, log_softmax_nll). */
    public static Launch blockPerRow(int rows) {
        if (rows < 1) throw new IllegalArgumentException("no rows");
        return new Launch(rows, 1, 1, 256, 1, 1, 0);
    }

    /** One thread per element of a 1-D range. */
    public static Launch elementwise(long count) {
        if (count < 1) throw new IllegalArgumentException("no elements");
        long blocks = (count + ELEMENTWISE_THREADS - 1) / ELEMENTWISE_THREADS;
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException(count + " elements exceed one 1-D grid");
        return new Launch((int) blocks, 1, 1, ELEMENTWISE_THREADS, 1, 1, 0);
    }

    /** Threads launched in all. */
    public long threads() {
        return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }

    private static void checkGemm(int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("GEMM shape must be positive: " + m + "x" + n + "x" + k);
        if ((long) m * n > Integer.MAX_VALUE || (long) m * k > Integer.MAX_VALUE || (long) n * k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("GEMM operand " + m + "x" + n + "x" + k + " exceeds 2^31 elements");
        }
    }

    static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
