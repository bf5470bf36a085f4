package io.ringmem.kv;

import java.util.List;
import java.util.Locale;

/** Creates codecs by name and decodes any encoded block by reading its header. */
public final class KvCodecs {
    /** The accepted names. */
    public static final List<String> NAMES = List.of("none", "int8", "int4", "int2");

    private KvCodecs() {
    }

    /**
     * A codec by (case-insensitive) name without a full-precision residual window (R = 0, segment mode's default,
     * {@link io.ringmem.segment.SegmentConfig#DEFAULT_RESIDUAL_TOKENS}).
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static KvCodec byName(String name) {
        return byName(name, 0);
    }

    /**
     * @param residualTokens recent window R kept at fp32 by int4/int2 (≥ 0); ignored by none and int8
     */
    public static KvCodec byName(String name, int residualTokens) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "none" -> RawCodec.INSTANCE;
            case "int8" -> Int8Codec.INSTANCE;
            case "int4" -> new KiviCodec(4, residualTokens);
            case "int2" -> new KiviCodec(2, residualTokens);
            default -> throw new IllegalArgumentException("unknown KV codec '" + name + "'; expected one of " + NAMES);
        };
    }

    /**
     * Decodes bytes written by any codec, which is detected from the header.
     *
     * @throws IllegalArgumentException if the bytes are null, truncated, too long, fail the CRC, or carry an
     *                                  unknown version, codec or inconsistent parameters
     */
    public static DecodedKv decode(byte[] data) {
        KvHeader h = KvHeader.read(data);
        return switch (h.codecId()) {
            case KvHeader.CODEC_NONE -> RawCodec.decode(h, data);
            case KvHeader.CODEC_INT8 -> Int8Codec.decode(h, data);
            case KvHeader.CODEC_INT4, KvHeader.CODEC_INT2 -> KiviCodec.decode(h, data);
            default -> throw new IllegalArgumentException("corrupt KV block header: unknown codec id " + h.codecId());
        };
    }

    /** Name of the codec that wrote {@code data}, from its header alone (size and CRC are not checked). */
    public static String codecOf(byte[] data) {
        KvHeader h = KvHeader.read(data);
        return switch (h.codecId()) {
            case KvHeader.CODEC_NONE -> "none";
            case KvHeader.CODEC_INT8 -> "int8";
            case KvHeader.CODEC_INT4 -> "int4";
            case KvHeader.CODEC_INT2 -> "int2";
            default -> throw new IllegalArgumentException("corrupt KV block header: unknown codec id " + h.codecId());
        };
    }

    static IllegalArgumentException badParams(KvHeader h, String what) {
        return new IllegalArgumentException("corrupt KV block header: " + what + " (codec id " + h.codecId() + ", bits "
                + h.bits() + ", groups " + h.keyGroup() + "/" + h.valueGroup() + ", residual " + h.residual() + ")");
    }
}
