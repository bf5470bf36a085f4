package io.ringmem.tokenizer;

/** Decoding of a run of ids that continues a stream, used by {@link StreamingDecoder}. */
interface ContinuationDecoder {
    /**
     * Text of {@code ids} as it appears in a decoded stream right after {@code previous} (-1: at the start). Raw
     * byte tokens that do not complete a UTF-8 character come out as U+FFFD.
     */
    String decodeAfter(int previous, int[] ids);
}
