package io.ringmem;

/**
 * An error caused by input the user controls (a file, a flag, a token id) or by a condition they can act on.
 * Its message is meant to be shown to the user as one line, without a stack trace; entry points catch it and
 * exit non-zero. Programming errors use the standard unchecked exceptions instead.
 */
public class RingmemException extends RuntimeException {
    public RingmemException(String message) {
        super(message);
    }

    public RingmemException(String message, Throwable cause) {
        super(message, cause);
    }
}
