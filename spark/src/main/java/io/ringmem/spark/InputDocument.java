package io.ringmem.spark;

import io.ringmem.tokenizer.Tokenizer;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * One input row after {@link InputColumns#select}: an id and either text or token ids (either may be null: the row
 * then gets an error, not the job); {@code readError} when the row could not be read (a null token id).
 */
record InputDocument(String id, String text, int[] tokens, String readError) {
    /** Characters per token a text may have at most before it is refused unread (a bound on tokenizer work). */
    private static final long MAX_CHARS_PER_TOKEN = 64;

    /** Reads row {@code (id, text)} or {@code (id, tokens)}. A null element in a token array is an error of the row. */
    static InputDocument of(Row row, boolean tokens) {
        String id = row.isNullAt(0) ? null : row.getString(0);
        if (!tokens) return new InputDocument(id, row.isNullAt(1) ? null : row.getString(1), null, null);
        if (row.isNullAt(1)) return new InputDocument(id, null, null, null);
        List<Object> list = row.getList(1);
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            Object v = list.get(i);
            if (v == null) return new InputDocument(id, null, null, "token " + i + " is null");
            ids[i] = ((Number) v).intValue();
        }
        return new InputDocument(id, null, ids, null);
    }


    /**
     * The ids to run: text tokenized with BOS put in front when the vocabulary has one (as the REST API does), or the
     * given ids checked against the vocabulary.
     *
     * @throws BadDocumentException with the row's error: null or empty content, ids outside the vocabulary, fewer
     *                              than 2 tokens, more than {@code maxTokens}
     */
    int[] ids(Tokenizer tokenizer, int vocabSize, int maxTokens) {
        if (readError != null) throw new BadDocumentException(readError);
        int[] ids;
        if (tokens != null) {
            ids = tokens;
            for (int t : ids) {
                if (t < 0 || t >= vocabSize) {
                    throw new BadDocumentException("token id " + t + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
                }
            }
        } else {
            if (text == null) throw new BadDocumentException("the document is null");
            if (text.isEmpty()) throw new BadDocumentException("the document is empty");
            if (text.isBlank()) throw new BadDocumentException("the document is blank");
            if (text.length() > maxTokens * MAX_CHARS_PER_TOKEN) {
                throw new BadDocumentException("the document has " + text.length() + " characters, over the limit of "
                        + maxTokens * MAX_CHARS_PER_TOKEN + " for maxDocumentTokens " + maxTokens);
            }
            if (tokenizer == null) throw new BadDocumentException("the model has no tokenizer: give token ids (tokensColumn)");
            ids = withBos(tokenizer.encode(text), tokenizer.bos());
        }
        if (ids.length < 2) throw new BadDocumentException("the document has " + ids.length + " token(s); scoring needs at least 2");
        if (ids.length > maxTokens) {
            throw new BadDocumentException("the document has " + ids.length + " tokens, over maxDocumentTokens " + maxTokens);
        }
        return ids;
    }

    private static int[] withBos(int[] ids, int bos) {
        if (bos < 0) return ids;
        int[] out = new int[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
