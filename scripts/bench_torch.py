#!/usr/bin/env python3
"""PyTorch side of the device check (scripts/device-check.sh): the same shapes as io.ringmem.cuda.GpuBench.

GEMM: Llama-3-8B projection shapes with torch.matmul (bf16 and fp32); attention: causal SDPA with 32 query heads,
8 KV heads, head dim 128 at 4K/16K/64K tokens (bf16, GQA via enable_gqa or repeated KV); prefill: a forward of
2 random 8B-shaped layers at 4096 tokens, reported as tokens/s and scaled to 32 layers. Writes one JSON file.
Usage: bench_torch.py OUT.json
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

GEMM = [(4096, 4096, 4096), (4096, 1024, 4096), (4096, 14336, 4096), (4096, 4096, 14336)]
ATTN_TOKENS = [4096, 16384, 65536]


def timed(fn, iters):
    fn()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) / iters


def gemm():
    out = []
    for m, n, k in GEMM:
        for dtype in (torch.bfloat16, torch.float32):
            a = torch.randn(m, k, device="cuda", dtype=dtype)
            w = torch.randn(n, k, device="cuda", dtype=dtype)
            ms = timed(lambda: torch.matmul(a, w.t()), 10)
            out.append({"m": m, "n": n, "k": k, "dtype": str(dtype).split(".")[-1].replace("bfloat16", "bf16")
                        .replace("float32", "fp32"), "ms": ms, "tflops": 2 * m * n * k / (ms * 1e-3) / 1e12})
    return out


def sdpa(q, k, v):
    try:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
    except TypeError:  # torch < 2.5: repeat the KV heads
        rep = q.shape[1] // k.shape[1]
        return F.scaled_dot_product_attention(q, k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1), is_causal=True)


def attention():
    out = []
    for n in ATTN_TOKENS:
        for dtype in (torch.bfloat16, torch.float32):
            if dtype == torch.float32 and n > 4096:
                continue  # fp32 SDPA has no flash kernel: one length is enough for the fp32-vs-fp32 view
            q = torch.randn(1, 32, n, 128, device="cuda", dtype=dtype)
            k = torch.randn(1, 8, n, 128, device="cuda", dtype=dtype)
            v = torch.randn(1, 8, n, 128, device="cuda", dtype=dtype)
            ms = timed(lambda: sdpa(q, k, v), 3 if n <= 16384 else 1)
            flops = 4.0 * n * n / 2 * 32 * 128
            out.append({"tokens": n, "dtype": "bf16" if dtype == torch.bfloat16 else "fp32", "ms": ms,
                        "tflops": flops / (ms * 1e-3) / 1e12})
            del q, k, v
    return out


def prefill(layers=2, tokens=4096):
    dim, hid, heads, kvh, hd = 4096, 14336, 32, 8, 128
    dt = torch.bfloat16
    W = [{name: torch.randn(shape, device="cuda", dtype=dt) / shape[1] ** 0.5 for name, shape in
          {"wq": (heads * hd, dim), "wk": (kvh * hd, dim), "wv": (kvh * hd, dim), "wo": (dim, heads * hd),
           "w1": (hid, dim), "w2": (dim, hid), "w3": (hid, dim)}.items()} for _ in range(layers)]
    x0 = torch.randn(tokens, dim, device="cuda", dtype=dt)

    def rms(x):
        return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-5).to(x.dtype)

    def forward():
        h = x0
        for w in W:
            x = rms(h)
            q = (x @ w["wq"].t()).view(tokens, heads, hd).transpose(0, 1)[None]
            k = (x @ w["wk"].t()).view(tokens, kvh, hd).transpose(0, 1)[None]
            v = (x @ w["wv"].t()).view(tokens, kvh, hd).transpose(0, 1)[None]
            o = sdpa(q, k, v)[0].transpose(0, 1).reshape(tokens, heads * hd)
            h = h + o @ w["wo"].t()
            x = rms(h)
            h = h + (F.silu(x @ w["w1"].t()) * (x @ w["w3"].t())) @ w["w2"].t()
        return h

    with torch.no_grad():
        ms = timed(forward, 3)
    return {"layers": layers, "tokens": tokens, "seconds": ms / 1e3, "tokensPerSecond": tokens / (ms / 1e3),
            "tokensPerSecond32Layers": tokens / (ms / 1e3) * layers / 32}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_torch.py OUT.json")
    if not torch.cuda.is_available():
        sys.exit("bench_torch: torch.cuda is not available")
    t0 = time.time()
    result = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "gemm": gemm(),
              "attention": attention(), "prefill": prefill()}
    result["seconds"] = time.time() - t0
    with open(sys.argv[1], "w") as f:
        json.dump(result, f, indent=2)
    print("bench_torch: wrote", sys.argv[1], "in %.1f s" % result["seconds"])


if __name__ == "__main__":
    main()
