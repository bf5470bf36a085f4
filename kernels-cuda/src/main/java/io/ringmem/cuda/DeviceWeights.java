package io.ringmem.cuda;

import io.ringmem.tensor.Matrix;

/**
 * One weight matrix (rows, cols) resident on the device, in bf16 (for the tensor-core GEMM) or fp32.
 *
 * @param data the device copy
 * @param bf16 whether the elements are bf16 (else fp32)
 */
record DeviceWeights(DeviceBuffer data, int rows, int cols, boolean bf16) implements AutoCloseable {

    /**
     * Uploads m, converted to bf16 on the host when asked. A block-quantized m (Q8_0, Q4_0, ...) is decoded to fp32
     * here, row by row through its format's reference dequantizer, so the device path is the same as for fp32.
     */
    static DeviceWeights upload(CudaContext ctx, Matrix m, boolean bf16) {
        if (bf16) return new DeviceWeights(DeviceBuffer.of(ctx, Bf16.pack(m)), m.rows(), m.cols(), true);
        return new DeviceWeights(DeviceBuffer.of(ctx, m.toArray(), m.rows() * m.cols()), m.rows(), m.cols(), false);
    }

    @Override
    public void close() {
        data.close();
    }
}
