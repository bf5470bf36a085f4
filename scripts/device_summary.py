#!/usr/bin/env python3
"""Summary of a device check (scripts/device-check.sh): OUT/summary.json and OUT/summary.md from OUT/steps.tsv,
OUT/bench-ringmem.json and OUT/bench-torch.json (whichever exist). Targets from issue 13: attention >= 0.8x SDPA,
GEMM >= 0.7x torch.matmul, ring overhead <= 10%. Usage: device_summary.py OUT"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    out = sys.argv[1]
    steps = []
    if os.path.exists(os.path.join(out, "steps.tsv")):
        with open(os.path.join(out, "steps.tsv")) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                steps.append({"step": parts[0], "status": parts[1], "detail": parts[2] if len(parts) > 2 else ""})
    ours, torch = load(os.path.join(out, "bench-ringmem.json")), load(os.path.join(out, "bench-torch.json"))
    comparisons = []
    if ours and torch:
        tg = {(g["m"], g["n"], g["k"], g["dtype"]): g for g in torch.get("gemm", [])}
        for g in ours.get("gemm", []):
            t = tg.get((g["m"], g["n"], g["k"], g["dtype"]))
            if t:
                comparisons.append({"what": "GEMM %dx%dx%d %s" % (g["m"], g["n"], g["k"], g["dtype"]),
                                    "ours_tflops": g["tflops"], "torch_tflops": t["tflops"],
                                    "ratio": g["tflops"] / t["tflops"], "target": 0.7})
        ta = {(a["tokens"], a["dtype"]): a for a in torch.get("attention", [])}
        for a in ours.get("attention", []):
            if "tflops" not in a:
                comparisons.append({"what": "attention %d tokens" % a["tokens"], "skipped": a.get("skipped", "")})
                continue
            t = ta.get((a["tokens"], "bf16"))  # SDPA in bf16 (flash) is the peer, whatever our dtype
            if t:
                comparisons.append({"what": "causal attention %d tokens (ours %s vs SDPA bf16)" % (a["tokens"], a["dtype"]),
                                    "ours_tflops": a["tflops"], "torch_tflops": t["tflops"],
                                    "ratio": a["tflops"] / t["tflops"], "target": 0.8})
        for p in ours.get("pipeline", []):
            if p["blocks"] > 1:
                comparisons.append({"what": "ring on one GPU: %d KV blocks through the pipeline vs 1 (%d tokens)" % (
                    p["blocks"], p["tokens"]), "overhead": p["overhead"], "target_max": 0.10})
        runs = {r["ranks"]: r for r in ours.get("prefill", {}).get("runs", [])}
        tp = torch.get("prefill")
        if 1 in runs and tp:
            comparisons.append({"what": "prefill tokens/s (32 layers, 4096 tokens, P=1)",
                                "ours": runs[1]["tokensPerSecond32Layers"], "torch": tp["tokensPerSecond32Layers"],
                                "ratio": runs[1]["tokensPerSecond32Layers"] / tp["tokensPerSecond32Layers"]})
        for p in (2, 4):
            if 1 in runs and p in runs:
                comparisons.append({"what": "ring overhead P=%d vs P=1 (one GPU, 4096 tokens)" % p,
                                    "overhead": runs[p]["seconds"] / runs[1]["seconds"] - 1, "target_max": 0.10})
    failed = [s for s in steps if s["status"] == "failed"]
    summary = {"steps": steps, "comparisons": comparisons, "ok": not failed,
               "gpu": next((s["detail"] for s in steps if s["step"] == "gpu"), "unknown")}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    md = ["# Device check", "", "GPU: " + summary["gpu"], "", "| step | status | detail |", "|---|---|---|"]
    md += ["| %s | %s | %s |" % (s["step"], s["status"], s["detail"].replace("|", "/")) for s in steps]
    if comparisons:
        md += ["", "| measurement | ours | PyTorch | ratio | target |", "|---|---|---|---|---|"]
        for c in comparisons:
            if "skipped" in c:
                md.append("| %s | skipped: %s | | | |" % (c["what"], c["skipped"]))
            elif "overhead" in c:
                md.append("| %s | %+.1f%% | | | <= %d%% |" % (c["what"], 100 * c["overhead"], 100 * c["target_max"]))
            elif "ours_tflops" in c:
                md.append("| %s | %.1f TFLOP/s | %.1f TFLOP/s | %.2f | >= %.1f |" % (
                    c["what"], c["ours_tflops"], c["torch_tflops"], c["ratio"], c["target"]))
            else:
                md.append("| %s | %.0f | %.0f | %.2f | |" % (c["what"], c["ours"], c["torch"], c["ratio"]))
    else:
        md += ["", "No benchmark comparison (no GPU, or a benchmark did not finish)."]
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
