#!/usr/bin/env python3
"""Times numpy (OpenBLAS) float32 matmul on the shapes of `ringmem bench kernels` (io.ringmem.bench.KernelBenchmark).

out (n, rows) = x (n, in) @ w (rows, in).T, the layout of Kernels.matmul. Prints the median milliseconds per call,
GFLOP/s and the fraction of the CPU's theoretical fp32 peak computed as in `ringmem bench kernels` (cores x 2 FMA
units x 8 lanes x 2 flops x the "cpu MHz" of /proc/cpuinfo), so the Java figures can be compared with a BLAS peer
in the same run. The BLAS thread count must be fixed before numpy is imported, hence the environment variables below.

Usage: python3 scripts/bench_numpy_matmul.py [--threads 2] [--samples 15] [--warmup-seconds 1.0] [--quick]
"""
import argparse
import os
import sys
import time

SHAPES = [(64, 256, 256), (64, 688, 256), (64, 256, 688), (64, 1024, 256), (256, 4096, 4096), (1, 4096, 4096)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2, help="BLAS threads (default 2)")
    p.add_argument("--samples", type=int, default=15, help="timed samples per shape; the median is reported")
    p.add_argument("--warmup-seconds", type=float, default=1.0, help="warm-up time per shape")
    p.add_argument("--quick", action="store_true", help="skip the largest shapes, as ringmem bench kernels --quick")
    return p.parse_args()


def cpuinfo(key):
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def median_ms(fn, samples, warmup_seconds):
    end = time.perf_counter() + warmup_seconds
    fn()
    while time.perf_counter() < end:
        fn()
    t0 = time.perf_counter()
    fn()
    estimate = time.perf_counter() - t0
    batch = 1 if estimate >= 1e-3 else min(10_000, int(1e-3 / max(estimate, 1e-7)) + 1)
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - t0) / batch * 1e3)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2


def main():
    args = parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np  # after the thread settings

    blas = "unknown BLAS"
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{deps.get('name')} {deps.get('version')}"
    except Exception:  # older numpy: no dict mode
        pass
    mhz = cpuinfo("cpu MHz")
    cores = os.cpu_count() or 1
    ghz = float(mhz) / 1000 if mhz else float("nan")
    peak = cores * 2 * 8 * 2 * ghz
    print(f"# numpy {np.__version__} ({blas}), {args.threads} BLAS thread(s), {cpuinfo('model name')}, "
          f"{cores} cores, {ghz:.3f} GHz (cpu MHz)")
    print(f"# fp32 peak: {cores} cores x 2 FMA x 8 lanes x 2 flops x {ghz:.3f} GHz = {peak:.1f} GFLOP/s")
    print(f"{'shape':<22} {'numpy ms':>10} {'GFLOP/s':>9} {'% peak':>7}")
    rng = np.random.default_rng(1)
    for n, rows, inn in SHAPES:
        if args.quick and rows * inn > 1 << 20:
            continue
        x = rng.uniform(-1, 1, (n, inn)).astype(np.float32)
        w = rng.uniform(-1, 1, (rows, inn)).astype(np.float32)
        out = np.empty((n, rows), dtype=np.float32)
        wt = w.T  # a view: BLAS gets the transposed flag, nothing is copied
        ms = median_ms(lambda: np.matmul(x, wt, out=out), args.samples, args.warmup_seconds)
        gflops = 2.0 * n * rows * inn / ms / 1e6
        print(f"{f'n={n} {rows}x{inn}':<22} {ms:>10.3f} {gflops:>9.1f} {100 * gflops / peak:>6.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
