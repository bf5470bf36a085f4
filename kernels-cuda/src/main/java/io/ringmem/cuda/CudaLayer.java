package io.ringmem.cuda;

import io.ringmem.model.LayerWeights;

/** One transformer block's weights on the device: norms in fp32, matrices in bf16 or fp32. */
record CudaLayer(DeviceBuffer attnNorm, DeviceWeights wq, DeviceWeights wk, DeviceWeights wv, DeviceWeights wo,
                 DeviceBuffer ffnNorm, DeviceWeights w1, DeviceWeights w2, DeviceWeights w3) implements AutoCloseable {

    static CudaLayer upload(CudaContext ctx, LayerWeights w, boolean bf16) {
        return new CudaLayer(DeviceBuffer.of(ctx, w.attnNorm(), w.attnNorm().length),
                DeviceWeights.upload(ctx, w.wq(), bf16), DeviceWeights.upload(ctx, w.wk(), bf16),
                DeviceWeights.upload(ctx, w.wv(), bf16), DeviceWeights.upload(ctx, w.wo(), bf16),
                DeviceBuffer.of(ctx, w.ffnNorm(), w.ffnNorm().length),
                DeviceWeights.upload(ctx, w.w1(), bf16), DeviceWeights.upload(ctx, w.w2(), bf16),
                DeviceWeights.upload(ctx, w.w3(), bf16));
    }

    @Override
    public void close() {
        attnNorm.close();
        ffnNorm.close();
        for (DeviceWeights m : new DeviceWeights[]{wq, wk, wv, wo, w1, w2, w3}) m.close();
    }
}
