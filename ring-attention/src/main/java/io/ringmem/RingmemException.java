package io.ringmem;

/**
 * An error caused by input the user controls (a file, a flag, a token id) or by a condition they can act on.
 * Its message is meant to be shown to the user as one line, without a stack trace; entry points catch it and
 * exit non-zero. Programming errors use the standard unchecked exceptions instead.
 *
 * <p>Messages often quote the input (a token, a key, a path), so the constructors keep them one line whatever the
 * input holds: control characters become escapes (a newline the two characters backslash and n, others
 * backslash-u and four hex digits), which also keeps hostile text from forging log lines.
 */
public class RingmemException extends RuntimeException {
    public RingmemException(String message) {
        super(oneLine(message));
    }

    public RingmemException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code s} with its control characters escaped; null stays null. */
    public static String oneLine(String s) {
        if (s == null) return null;
        int i = 0;
        while (i < s.length() && !Character.isISOControl(s.charAt(i))) i++;
        if (i == s.length()) return s;
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
