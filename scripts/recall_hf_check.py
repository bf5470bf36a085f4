#!/usr/bin/env python3
# Usage: recall_hf_check.py MODEL_DIR TOKENS DISTRACTOR_LEVEL  (a recall model from `ringmem make-recall-model`)
# Independent float64 re-implementation of HF LlamaForCausalLM (eager attention, rotate_half RoPE) from the files only.
import json, struct, sys, numpy as np
d = sys.argv[1]
cfg = json.load(open(d + "/config.json")); tok = json.load(open(d + "/tokenizer.json"))
raw = open(d + "/model.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]; hdr = json.loads(raw[8:8 + n]); base = 8 + n
W = {k: np.frombuffer(raw[base + v["data_offsets"][0]: base + v["data_offsets"][1]], dtype="<f4").reshape(v["shape"]).astype(np.float64)
     for k, v in hdr.items() if k != "__metadata__"}
H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]; D = cfg["hidden_size"]; hd = D // H; eps = cfg["rms_norm_eps"]
inv = 1.0 / (cfg["rope_theta"] ** (np.arange(0, hd, 2) / hd))
vocab = tok["model"]["vocab"]
def rms(x, w): return w * x / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
def rot(x, pos):
    a = pos[:, None] * inv[None, :]; c = np.cos(np.concatenate([a, a], -1)); s = np.sin(np.concatenate([a, a], -1))
    x1, x2 = x[..., :hd // 2], x[..., hd // 2:]
    return x * c[:, None, :] + np.concatenate([-x2, x1], -1) * s[:, None, :]
def forward(ids):
    T = len(ids); pos = np.arange(T, dtype=np.float64); h = W["model.embed_tokens.weight"][ids]
    mask = np.triu(np.full((T, T), -np.inf), 1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."; x = rms(h, W[p + "input_layernorm.weight"])
        q = (x @ W[p + "self_attn.q_proj.weight"].T).reshape(T, H, hd); k = (x @ W[p + "self_attn.k_proj.weight"].T).reshape(T, KV, hd)
        v = (x @ W[p + "self_attn.v_proj.weight"].T).reshape(T, KV, hd); q, k = rot(q, pos), rot(k, pos)
        outs = []
        for hh in range(H):
            kk, vv = k[:, hh * KV // H], v[:, hh * KV // H]
            s = q[:, hh] @ kk.T / np.sqrt(hd) + mask; s -= s.max(-1, keepdims=True); pr = np.exp(s); pr /= pr.sum(-1, keepdims=True)
            outs.append(pr @ vv)
        h = h + np.concatenate(outs, -1) @ W[p + "self_attn.o_proj.weight"].T
        x = rms(h, W[p + "post_attention_layernorm.weight"])
        g = x @ W[p + "mlp.gate_proj.weight"].T
        h = h + ((g / (1 + np.exp(-g))) * (x @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
    return rms(h, W["model.norm.weight"]) @ W["lm_head.weight"].T
rng = np.random.default_rng(5); N = int(sys.argv[2]); level = float(sys.argv[3])
words = ["<s>"] + [("d%d" % rng.integers(256)) if rng.random() < level else ("f%d" % rng.integers(200)) for _ in range(N - 1)]
keys = rng.permutation(64)[:8]; vals = rng.integers(63, size=8)
for i, (kk, vv) in enumerate(zip(keys, vals)):
    at = 1 + 3 * int(rng.integers((N - 40) // 3)); words[at] = "K%d" % kk; words[at + 1] = "V%d" % vv
    q = N - 3 * (8 - i); words[q] = "K%d" % kk; words[q + 1] = "V%d" % vv
ids = np.array([vocab[w] if w in vocab else [t["id"] for t in tok["added_tokens"] if t["content"] == w][0] for w in words])
logits = forward(ids)
ok = sum(int(np.argmax(logits[N - 3 * (8 - i)]) == ids[N - 3 * (8 - i) + 1]) for i in range(8))
print("hf-semantics float64 reference: %d/8 recalled at N=%d level %.1f" % (ok, N, level))
