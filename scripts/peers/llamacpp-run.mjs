// One measured workload on llama.cpp through node-llama-cpp's prebuilt CPU addon, for scripts/bench-peers.sh.
// Usage: node llamacpp-run.mjs --model F.gguf --workload prefill|decode --tokens N [--decode M] [--threads T]
//        [--flash on|off] [--context C] [--batch B] [--vocab V]
// Prints one JSON line: {"peer":"llama.cpp","workload":..,"tokens":..,"seconds":..,"rssBytes":..}. Token ids are
// seeded random ids above the byte tokens; one short warm-up evaluation runs first (not timed).
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {readFileSync} from "node:fs";
import {availableParallelism} from "node:os";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
    return acc;
}, []));
const workload = args.workload ?? "prefill";
const tokens = Number(args.tokens ?? 512);
const decode = Number(args.decode ?? 64);
const threads = Number(args.threads ?? availableParallelism());
const flash = (args.flash ?? "off") === "on";
const batch = Number(args.batch ?? 512);
const contextSize = Number(args.context ?? (tokens + decode + 16));

function ids(n, vocab, seed) {
    let s = BigInt(seed) | 1n;
    const out = [];
    for (let i = 0; i < n; i++) {
        s = (s * 6364136223846793005n + 1442695040888963407n) & 0xFFFFFFFFFFFFFFFFn;
        out.push(259 + Number((s >> 33n) % BigInt(vocab - 259)));
    }
    return out;
}

const llama = await getLlama({gpu: false, build: "never", skipDownload: true, maxThreads: threads,
    logLevel: LlamaLogLevel.error, progressLogs: false});
const model = await llama.loadModel({modelPath: args.model, gpuLayers: 0});
const vocab = Number(args.vocab ?? 32000);
const context = await model.createContext({contextSize, batchSize: Math.min(batch, contextSize), flashAttention: flash,
    threads: {ideal: threads, min: threads}, sequences: 1});
const seq = context.getSequence();
const prompt = ids(tokens, vocab, tokens);

await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(0, Math.min(64, tokens)));   // warm-up
await seq.clearHistory();

let seconds;
if (workload === "prefill") {
    const t0 = process.hrtime.bigint();
    await seq.evaluateWithoutGeneratingNewTokens(prompt);
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
} else {
    await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(0, tokens - 1));
    let n = 0;
    const t0 = process.hrtime.bigint();
    for await (const t of seq.evaluate([prompt[tokens - 1]], {temperature: 0})) {
        if (++n >= decode) break;
    }
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
}
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
console.log(JSON.stringify({peer: flash ? "llama.cpp-fa" : "llama.cpp", workload, tokens, decode: workload === "decode" ? decode : 0,
    threads, seconds, rssBytes: hwm ? Number(hwm[1]) * 1024 : -1}));
await context.dispose();
await model.dispose();
await llama.dispose();
