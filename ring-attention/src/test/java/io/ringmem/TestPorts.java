package io.ringmem;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loopback ports for the processes and members a test starts, shared by the modules' tests (this test-jar).
 *
 * <p>Each port was free a moment ago and is never handed out twice in one JVM: the kernel may give a just-closed
 * port to the next bind, so two plain bind-and-close calls in a row can return the same port (CI once saw a
 * worker's HTTP and Hazelcast ports collide). Not guaranteed: that nobody else binds the port before the caller's
 * process does.
 */
public final class TestPorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    /** A free loopback port not returned before in this JVM. */
    public static int free() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
            }
        }
    }
}
