package io.ringmem.cuda;

import java.util.Map;

/**
 * The parameter list of every kernel in {@code src/main/cuda}, one letter per parameter: {@code p} a device pointer,
 * {@code i} a 32-bit int, {@code l} a 64-bit int ({@code long long}), {@code f} a float. {@link CudaContext#launch}
 * checks every launch's arguments against it before the driver sees them (a wrong count or type would otherwise be
 * garbage on the device), and a unit test checks the table against the {@code .entry} parameter lists of the PTX in
 * the jar, so host and device agree without a GPU.
 */
final class KernelSignatures {
    private static final Map<String, String> SIGNATURES = Map.ofEntries(
            Map.entry("gemm_bf16_tc", "pppiiii"),
            Map.entry("gemm_f32a_bf16_tc", "pppiiii"),
            Map.entry("gemm_f32", "pppiiii"),
            Map.entry("flash_attn_fwd_d64", "pppppiiiifipp"),
            Map.entry("flash_attn_fwd_d128", "pppppiiiifipp"),
            Map.entry("flash_attn_fwd_small", "pppppiiiiifipp"),
            Map.entry("attn_merge", "ppppii"),
            Map.entry("rmsnorm_f32", "ppfiip"),
            Map.entry("log_softmax_nll", "ppiipi"),
            Map.entry("rope_f32", "piiippi"),
            Map.entry("swiglu_f32", "ppl"),
            Map.entry("add_f32", "ppl"),
            Map.entry("embed_f32", "ppiiip"),
            Map.entry("embed_bf16", "ppiiip"),
            Map.entry("gather_rows_f32", "ppiip"),
            Map.entry("f32_to_bf16", "ppl"),
            Map.entry("fill_f32", "plf"),
            Map.entry("kv_int8_encode", "piipppp"),
            Map.entry("kv_int8_decode", "pppiip"),
            Map.entry("kv_int4_encode_keys", "piipppp"),
            Map.entry("kv_int4_encode_values", "piipppp"),
            Map.entry("kv_int4_decode_keys", "pppiip"),
            Map.entry("kv_int4_decode_values", "pppiip"));

    private KernelSignatures() {
    }

    /** Every kernel's name and signature. */
    static Map<String, String> all() {
        return SIGNATURES;
    }

    /** The signature of {@code kernel}; throws for an unknown kernel. */
    static String of(String kernel) {
        String s = SIGNATURES.get(kernel);
        if (s == null) throw new IllegalArgumentException("unknown kernel '" + kernel + "'");
        return s;
    }

    /** Throws {@link IllegalArgumentException} unless {@code kinds} (letters as above) is the kernel's signature. */
    static void check(String kernel, String kinds) {
        String s = of(kernel);
        if (!s.equals(kinds)) {
            throw new IllegalArgumentException("kernel " + kernel + " takes (" + s + "), launched with (" + kinds + ")");
        }
    }

    /** The PTX parameter type a signature letter stands for. */
    static String ptxType(char kind) {
        return switch (kind) {
            case 'p', 'l' -> ".u64";
            case 'i' -> ".u32";
            case 'f' -> ".f32";
            default -> throw new IllegalArgumentException("unknown parameter kind '" + kind + "'");
        };
    }
}
