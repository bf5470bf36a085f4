package io.ringmem.coordinator;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read at most {@code limit} bytes far: one byte more throws {@link TooLarge}, so a body without
 * {@code Content-Length} (chunked) is refused while it streams, never buffered past the limit.
 */
final class BoundedBody extends FilterInputStream {
    private final long limit;
    private long read;

    /** Thrown when the body goes past the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the request body is over " + limit + " bytes", null);
        }
    }

    BoundedBody(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, (int) Math.min(len, limit - read + 1));
        if (n > 0) count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long k = super.skip(Math.min(n, limit - read + 1));
        if (k > 0) count(k);
        return k;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws TooLarge {
        read += n;
        if (read > limit) throw new TooLarge(limit);
    }
}
