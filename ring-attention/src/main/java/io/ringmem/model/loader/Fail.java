package io.ringmem.model.loader;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ringmem.RingmemException;

import java.nio.file.Path;

/** Builds the loader's user-facing errors: one line, starting with the file. */
final class Fail {
    private Fail() {
    }

    static RingmemException at(Path file, String problem) {
        return new RingmemException(file + ": " + oneLine(problem));
    }

    static RingmemException at(Path file, String problem, Throwable cause) {
        return new RingmemException(file + ": " + oneLine(problem), cause);
    }

    /** A short description of a JSON syntax error: the parser's message without its source dump, and where. */
    static String json(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
        int cut = m.indexOf(" (start marker");
        if (cut < 0) cut = m.indexOf('\n');
        if (cut >= 0) m = m.substring(0, cut);
        var at = e.getLocation();
        return at == null ? m : m + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace("\r", " ").replace('\n', ' ');
    }
}
