package io.ringmem.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One device's driver state: the primary context of device 0, a compute stream and a copy stream, and the PTX
 * modules of {@link PtxCatalog} loaded with {@code cuModuleLoadData} (the driver JIT-compiles them; JCuda's own
 * nvPTXCompiler is too old for PTX from nvcc 13). Every device operation runs inside {@link #call}, which holds the
 * context's lock and makes the context current on the calling thread, so a context is thread-safe; device work is
 * serialized per context (ranks sharing one GPU take turns on the compute stream).
 */
final class CudaContext implements AutoCloseable, Launcher {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream compute = new CUstream();
    private final CUstream copy = new CUstream();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong allocated = new AtomicLong();
    private final DeviceInfo info;
    private boolean closed;

    CudaContext(DeviceInfo info, PtxCatalog ptx) {
        this.info = info;
        String target = PtxCatalog.target(info.major(), info.minor())
                .orElseThrow(() -> new IllegalStateException(PtxCatalog.unsupported(info.major(), info.minor()).orElseThrow()));
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        JCudaDriver.cuDeviceGet(device, 0);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuStreamCreate(compute, 0);
        JCudaDriver.cuStreamCreate(copy, 0);
        for (String m : PtxCatalog.MODULES) {
            CUmodule module = new CUmodule();
            JCudaDriver.cuModuleLoadData(module, ptx.load(m, target));
            modules.put(m, module);
        }
    }

    DeviceInfo info() {
        return info;
    }

    /** Runs {@code work} with this context current on the calling thread and the lock held. */
    <T> T call(Supplier<T> work) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("CUDA context used after close");
            JCudaDriver.cuCtxSetCurrent(context);
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} like {@link #run}, or does nothing once the context is closed (releasing handles late). */
    void runIfOpen(Runnable work) {
        lock.lock();
        try {
            if (!closed) run(work);
        } finally {
            lock.unlock();
        }
    }

    void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Launches {@code function} of {@code module} on the compute stream. Arguments: {@link DeviceBuffer},
     * {@link Integer}, {@link Long}, {@link Float}, in the kernel's parameter order.
     */
    @Override
    public void launch(String module, String function, Launch g, Object... args) {
        CUfunction f = functions.computeIfAbsent(function, name -> {
            CUfunction fn = new CUfunction();
            JCudaDriver.cuModuleGetFunction(fn, modules.get(module), name);
            return fn;
        });
        StringBuilder kinds = new StringBuilder(args.length);
        for (Object a : args) kinds.append(kind(a));
        KernelSignatures.check(function, kinds.toString());
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) params[i] = param(args[i]);
        JCudaDriver.cuLaunchKernel(f, g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(), g.blockZ(),
                g.sharedBytes(), compute, Pointer.to(params), null);
    }

    /** The signature letter of a launch argument (see {@link KernelSignatures}). */
    static char kind(Object a) {
        return switch (a) {
            case DeviceBuffer b -> 'p';
            case CUdeviceptr p -> 'p';
            case Integer i -> 'i';
            case Long l -> 'l';
            case Float f -> 'f';
            case null, default -> throw new IllegalArgumentException("unsupported kernel argument " + a);
        };
    }

    private static Pointer param(Object a) {
        return switch (a) {
            case DeviceBuffer b -> Pointer.to(b.ptr());
            case CUdeviceptr p -> Pointer.to(p);
            case Integer i -> Pointer.to(new int[]{i});
            case Long l -> Pointer.to(new long[]{l});
            case Float f -> Pointer.to(new float[]{f});
            default -> throw new IllegalArgumentException("unsupported kernel argument " + a.getClass().getSimpleName());
        };
    }

    /** Milliseconds the compute stream spends on what {@code work} launches, measured with CUDA events. */
    float elapsedMs(Runnable work) {
        CUevent start = new CUevent(), stop = new CUevent();
        JCudaDriver.cuEventCreate(start, 0);
        JCudaDriver.cuEventCreate(stop, 0);
        try {
            JCudaDriver.cuEventRecord(start, compute);
            work.run();
            JCudaDriver.cuEventRecord(stop, compute);
            JCudaDriver.cuEventSynchronize(stop);
            float[] ms = new float[1];
            JCudaDriver.cuEventElapsedTime(ms, start, stop);
            return ms[0];
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
        }
    }

    void syncCompute() {
        JCudaDriver.cuStreamSynchronize(compute);
    }

    CUstream copyStream() {
        return copy;
    }

    CUstream computeStream() {
        return compute;
    }

    void track(long bytes) {
        allocated.addAndGet(bytes);
    }

    /** Device bytes currently allocated through this context. */
    long allocatedBytes() {
        return allocated.get();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            JCudaDriver.cuCtxSetCurrent(context);
            JCudaDriver.cuCtxSynchronize();
            for (CUmodule m : modules.values()) JCudaDriver.cuModuleUnload(m);
            JCudaDriver.cuStreamDestroy(compute);
            JCudaDriver.cuStreamDestroy(copy);
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        } finally {
            lock.unlock();
        }
    }
}
