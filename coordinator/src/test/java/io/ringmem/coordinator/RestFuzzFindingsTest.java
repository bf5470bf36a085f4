package io.ringmem.coordinator;

import io.ringmem.fuzz.FuzzContract;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs the REST fuzz target found (docs/security.md, "Fuzzing record"), kept as regression cases. */
class RestFuzzFindingsTest {
    private final RestApi api = new RestApi(null, line -> { }, 1 << 20);

    /**
     * JobRequestFuzzTest: a body starting with '{' and three zero bytes made Jackson's byte parser take it for
     * UTF-32 and fail with a CharConversionException, an IOException that is not a JSON error, so the coordinator
     * answered 500 "internal error". The body is now decoded as strict UTF-8: a 400.
     */
    @Test
    void aBodyThatLooksLikeUtf32IsA400NotA500() throws Exception {
        byte[] body = {0x7b, 0, 0, 0, 0, 0, 0x1b, 0, 0x30, 0x2f, 0x37, 0x2c, 0x20, 0x22, 0x74, 0x6f, 0x70, 0x50, 0x22, 0x3a,
                0x20, 0x30, 0x2e, 0x22, 0x64, 0x27, 0x22};
        FuzzContract.check(body.length, e -> false, () -> {
            ApiException e = assertThrows(ApiException.class, () -> api.parse(new ByteArrayInputStream(body)));
            assertEquals(400, e.status(), e.getMessage());
        });
    }

    @Test
    void invalidUtf8IsA400NamingIt() {
        byte[] body = "{\"task\": \"score\", \"question\": \"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        ApiException e = assertThrows(ApiException.class, () -> api.parse(new ByteArrayInputStream(body)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void utf8BodiesStillParse() throws Exception {
        byte[] body = "{\"task\": \"generate\", \"prompt\": \"ünïcödé 🐈\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("ünïcödé 🐈", api.parse(new ByteArrayInputStream(body)).prompt());
    }

    /**
     * JobRequestFuzzTest: an unknown field whose name holds an escaped newline ({@code "toke\\n..."}) was echoed into
     * the refusal, making a two-line message (and a two-line log record wherever refusals are logged). Messages now
     * escape control characters and are cut at {@link ApiException#MAX_MESSAGE_CHARS}.
     */
    @Test
    void echoedRequestTextIsOneBoundedLine() throws Exception {
        byte[] body = "{\"task\": \"score\", \"toke\\n\\r\\u0000s\": 1}".getBytes(StandardCharsets.UTF_8);
        FuzzContract.check(body.length, e -> false, () -> {
            ApiException e = assertThrows(ApiException.class, () -> api.parse(new ByteArrayInputStream(body)));
            assertEquals(400, e.status());
            assertEquals("unknown field 'toke\\n\\r\\u0000s' in the job", e.getMessage());
        });
        String longId = "x".repeat(5000);
        ApiException e = new ApiException(400, "document id '" + longId + "' is not valid");
        assertTrue(e.getMessage().length() < ApiException.MAX_MESSAGE_CHARS + 40, "cut: " + e.getMessage().length());
        assertTrue(e.getMessage().endsWith("... (cut at 1000 characters)"), e.getMessage());
    }
}
