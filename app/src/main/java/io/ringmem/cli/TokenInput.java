package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads the token ids to process, from a text file (tokenized, BOS added) or an ids file (used as is). */
final class TokenInput {
    private TokenInput() {
    }

    static int[] fromText(Path file, Tokenizer tokenizer) {
        if (tokenizer == null) {
            throw new RingmemException("the model has no tokenizer: give one with --tokenizer, or pass --tokens IDS_FILE");
        }
        String text = readText(file);
        int[] ids = tokenizer.encode(text);
        if (tokenizer.addBos() && tokenizer.bos() >= 0) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = tokenizer.bos();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        return ids;
    }

    static String readText(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new RingmemException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new RingmemException(file + ": not valid UTF-8 text");
        } catch (IOException e) {
            throw new RingmemException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Whitespace-separated non-negative integers; each checked against the vocabulary size. */
    static int[] fromIds(Path file, int vocabSize) {
        String text = readText(file).strip();
        if (text.isEmpty()) throw new RingmemException(file + ": no token ids in the file");
        String[] parts = text.split("\\s+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new RingmemException(file + ": '" + abbreviate(parts[i]) + "' (item " + (i + 1) + ") is not a token id");
            }
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new RingmemException(file + ": token id " + ids[i] + " (item " + (i + 1)
                        + ") is out of range: the vocabulary has ids 0.." + (vocabSize - 1));
            }
        }
        return Arrays.copyOf(ids, ids.length);
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
}
