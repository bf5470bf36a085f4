package io.ringmem.coordinator;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** One-line descriptions of failures that come back from workers (unwrapping executor and future wrappers). */
final class Failures {
    private Failures() {
    }

    static Throwable root(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    static String message(Throwable t) {
        Throwable r = root(t);
        String m = r.getMessage();
        if (r instanceof io.ringmem.RingmemException && m != null) return m;
        return r.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
