package io.ringmem.cuda;

/**
 * Which flash-attention kernel of {@code attention.cu} serves a head dim: {@code flash_attn_fwd_d64} and
 * {@code _d128} for exactly 64 and 128, {@code flash_attn_fwd_small} (which takes the head dim as an argument) for
 * any head dim up to 32. Other head dims (for example 80 or 96) are not supported by the device kernels.
 *
 * @param function the kernel's name in the PTX module
 * @param headDimArg whether the kernel takes the head dim as an argument (the small kernel does)
 */
public record AttentionKernel(String function, boolean headDimArg) {

    /** The kernel for {@code headDim}; throws {@link IllegalArgumentException} naming the supported dims. */
    public static AttentionKernel forHeadDim(int headDim) {
        if (headDim == 64) return new AttentionKernel("flash_attn_fwd_d64", false);
        if (headDim == 128) return new AttentionKernel("flash_attn_fwd_d128", false);
        if (headDim >= 1 && headDim <= 32) return new AttentionKernel("flash_attn_fwd_small", true);
        throw new IllegalArgumentException("the CUDA attention kernels support head dims 1..32, 64 and 128, not " + headDim);
    }

    /** Whether {@link #forHeadDim} accepts it. */
    public static boolean supports(int headDim) {
        return headDim == 64 || headDim == 128 || (headDim >= 1 && headDim <= 32);
    }
}
