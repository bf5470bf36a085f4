package io.ringmem.tokenizer;

/**
 * Decoding of a run of ids that continues a stream, used by {@link StreamingDecoder}; whole-sequence and
 * single-token decoding follow from it.
 */
interface ContinuationDecoder extends Tokenizer {
    /**
     * Text of {@code ids} as it appears in a decoded stream right after {@code previous} (-1: at the start). Raw
     * byte tokens that do not complete a UTF-8 character come out as U+FFFD.
     */
    String decodeAfter(int previous, int[] ids);

    @Override
    default String decode(int[] ids) {
        return decodeAfter(-1, ids);
    }

    @Override
    default String decodeToken(int previous, int id) {
        return decodeAfter(previous, new int[] {id});
    }
}
