package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one line a user sees when JCuda's natives do not load. */
class NativeErrorsTest {

    @Test
    void innermostLinkerMessage() {
        String ule = "UnsatisfiedLinkError: ";
        String jcuda = String.join("\n",
                "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"",
                "Operating system name: Linux",
                "---(start of nested stack traces)---",
                "Stack trace from the attempt to load the library as a file:",
                ule + "no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib",
                "\tat ClassLoader.loadLibrary(ClassLoader.java:2285)",
                "Stack trace from the attempt to load the library as a resource:",
                ule + "/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory",
                "\tat NativeLibraries.load(Native Method)",
                "---(end of nested stack traces)---");
        assertEquals("libcuda.so.1: cannot open shared object file: No such file or directory", NativeErrors.summary(jcuda));
    }

    @Test
    void plainMessages() {
        assertEquals("CUDA_ERROR_NO_DEVICE", NativeErrors.summary("CUDA_ERROR_NO_DEVICE"));
        assertEquals("first", NativeErrors.summary("first\nsecond"));
        assertEquals("no message", NativeErrors.summary(null));
    }
}
