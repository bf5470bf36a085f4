package io.ringmem.hub;

/**
 * Receives download progress from {@link HubModelResolver}. Calls come from the thread that called
 * {@code resolve}, in order; for each file there is a first call with {@code bytesDone == 0} and a last one with
 * all bytes done, and calls in between at most every few MiB. Implementations must not throw.
 */
@FunctionalInterface
public interface DownloadProgress {
    /**
     * @param file       the file's path inside the repository
     * @param bytesDone  bytes written so far
     * @param bytesTotal the expected size, or -1 when neither the listing nor the response says
     */
    void bytes(String file, long bytesDone, long bytesTotal);

    /** A one-line remark for the user (for example which of several GGUF files was picked). Ignored by default. */
    default void notice(String message) {
    }

    /** Progress that goes nowhere. */
    static DownloadProgress none() {
        return (file, done, total) -> {
        };
    }
}
