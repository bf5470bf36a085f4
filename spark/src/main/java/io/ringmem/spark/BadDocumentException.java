package io.ringmem.spark;

/** A document that cannot be analyzed; its message becomes the row's {@code error} (the job goes on). */
final class BadDocumentException extends RuntimeException {
    BadDocumentException(String message) {
        super(message, null, false, false);
    }
}
