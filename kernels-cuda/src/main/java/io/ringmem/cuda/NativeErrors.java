package io.ringmem.cuda;

/**
 * One line out of JCuda's multi-line native-load errors (which carry nested stack traces): the innermost
 * {@code UnsatisfiedLinkError} message, usually the dynamic linker's, e.g.
 * {@code libcuda.so.1: cannot open shared object file: No such file or directory}.
 */
final class NativeErrors {
    private static final String MARK = "UnsatisfiedLinkError:";

    private NativeErrors() {
    }

    static String summary(String message) {
        if (message == null || message.isBlank()) return "no message";
        String best = null;
        for (String line : message.split("\\R")) {
            int i = line.indexOf(MARK);
            if (i >= 0) best = line.substring(i + MARK.length()).trim();
        }
        if (best == null) best = message.lines().findFirst().orElse("").trim();
        int so = best.indexOf(".so: ");
        return so >= 0 ? best.substring(so + 5) : best; // drop JCuda's temporary copy's path
    }
}
