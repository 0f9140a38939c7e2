// ONNX Runtime Web for the digit recogniser: one runtime per execution provider, one session per
// (provider, model), created once and cached; runs queued per session; timing of single runs and batches.
//
// Two builds of ONNX Runtime Web 1.30, both self-hosted in vendor/ort/:
//   wasm    ort.wasm.min.mjs   + ort-wasm-simd-threaded.{mjs,wasm}           (CPU: WebAssembly, SIMD, threads)
//   webgpu  ort.webgpu.min.mjs + ort-wasm-simd-threaded.asyncify.{mjs,wasm}  (GPU: WebGPU)
// The WASM build runs in ONNX Runtime's proxy worker, so even a batch of 2,000 digits never blocks the page.
import { vendorUrl } from "../demo-kit.js";

const ORT_URL = vendorUrl + "ort/";
const BUNDLES = { wasm: "ort.wasm.min.mjs", webgpu: "ort.webgpu.min.mjs" };
export const PROVIDERS = ["wasm", "webgpu"];
export const PROVIDER_NAMES = { wasm: "WASM（CPU）", webgpu: "WebGPU（GPU）" };

/** Threads for the WASM backend: only a cross-origin isolated page may share memory between threads. */
export function wasmThreads() {
  if (!self.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

const runtimes = new Map();

function runtime(provider) {
  if (!runtimes.has(provider)) {
    const loading = import(ORT_URL + BUNDLES[provider]).then((ort) => {
      ort.env.wasm.wasmPaths = ORT_URL; // must be absolute: the runtime resolves it from its own workers
      ort.env.wasm.numThreads = wasmThreads();
      ort.env.wasm.proxy = provider === "wasm";
      ort.env.logLevel = "error";
      return ort;
    });
    loading.catch(() => runtimes.delete(provider)); // a failed download can be retried
    runtimes.set(provider, loading);
  }
  return runtimes.get(provider);
}

let adapterPromise = null;

/** The WebGPU adapter, or null when this browser has none (no navigator.gpu, or no usable GPU). */
export function gpuAdapter() {
  if (!adapterPromise) {
    adapterPromise = (async () => {
      if (!navigator.gpu) return null;
      try {
        return await navigator.gpu.requestAdapter();
      } catch {
        return null;
      }
    })();
  }
  return adapterPromise;
}

/**
 * Whether the automatic mode should time WebGPU at all: only on a real GPU. A fallback adapter (a software
 * renderer such as SwiftShader) is always slower than WASM, and trying it would download the WebGPU build.
 */
export async function gpuWorthTrying() {
  const adapter = await gpuAdapter();
  if (!adapter) return false;
  const info = adapter.info || {};
  if (info.isFallbackAdapter || adapter.isFallbackAdapter) return false;
  return !/swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i.test(
    [info.vendor, info.architecture, info.device, info.description].join(" "));
}

const modelBytes = new Map();

/** The model file's bytes (fetched once per URL). */
export function fetchModel(url) {
  if (!modelBytes.has(url)) {
    const loading = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`${url} 返回 HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    loading.catch(() => modelBytes.delete(url));
    modelBytes.set(url, loading);
  }
  return modelBytes.get(url);
}

const sessions = new Map();

/** Whether the session of `modelUrl` on `provider` exists or is on its way (its runtime downloaded or downloading). */
export const hasSession = (provider, modelUrl) => sessions.has(`${provider} ${modelUrl}`);

/**
 * The cached session of `modelUrl` on `provider`: {provider, run(input, n)}. Rejects when the provider
 * cannot run here (e.g. no WebGPU adapter) or the model does not load.
 */
export function session(provider, modelUrl) {
  const key = `${provider} ${modelUrl}`;
  if (!sessions.has(key)) {
    const creating = (async () => {
      if (provider === "webgpu" && !(await gpuAdapter())) throw new Error("这个浏览器没有可用的 WebGPU 适配器");
      const [ort, bytes] = await Promise.all([runtime(provider), fetchModel(modelUrl)]);
      // a copy: the proxy worker takes ownership of the buffer it is given
      const inner = await ort.InferenceSession.create(bytes.slice(), {
        executionProviders: [provider], graphOptimizationLevel: "all",
      });
      let queue = Promise.resolve();
      const runOnce = async (input, n) => {
        const t0 = performance.now();
        const feeds = { image: new ort.Tensor("float32", input.slice(0, n * 784), [n, 1, 28, 28]) };
        const out = await inner.run(feeds, ["probabilities"]);
        const probabilities = out.probabilities.data; // on the CPU: the GPU result has been read back
        const ms = performance.now() - t0;
        out.probabilities.dispose?.();
        return { probabilities, ms };
      };
      return {
        provider,
        // One run at a time per session: ONNX Runtime Web refuses overlapping runs of one session.
        run(input, n = 1) {
          const next = queue.then(() => runOnce(input, n));
          queue = next.catch(() => {});
          return next;
        },
      };
    })();
    creating.catch(() => sessions.delete(key));
    sessions.set(key, creating);
  }
  return sessions.get(key);
}

let exclusive = Promise.resolve();

/**
 * Run `task` after every task given here before it has finished. Timing runs go through this (the automatic
 * choice, batch mode, the benchmark): two measurements sharing the CPU would both come out wrong.
 */
export function exclusively(task) {
  const next = exclusive.then(task, task);
  exclusive = next.catch(() => {});
  return next;
}

/**
 * Mean milliseconds per run of a batch of `n` digits, after `warmup` runs: at least `minRuns` runs and at
 * least `minMs` of timed work (capped at `maxRuns`), so that slow providers do not take minutes.
 */
export async function timeRuns(s, input, n, { warmup = 3, minRuns = 5, maxRuns = 200, minMs = 300 } = {}) {
  for (let i = 0; i < warmup; i++) await s.run(input, n);
  let total = 0, runs = 0;
  while (runs < minRuns || (total < minMs && runs < maxRuns)) {
    total += (await s.run(input, n)).ms;
    runs += 1;
  }
  return total / runs;
}

/** Index of the largest value in probs[offset .. offset + 10). */
export function argmax(probs, offset = 0) {
  let best = 0;
  for (let k = 1; k < 10; k++) if (probs[offset + k] > probs[offset + best]) best = k;
  return best;
}

/**
 * Classify `count` digits (`images`: count * 784 floats) in batches of `batch`; `onBatch(done)` after each,
 * `stopped()` checked between batches. Returns {predicted, correct, seconds, stopped}.
 */
export async function classifyAll(s, images, labels, batch, { onBatch, stopped } = {}) {
  const count = labels.length;
  const predicted = new Uint8Array(count);
  let correct = 0;
  const t0 = performance.now();
  for (let start = 0; start < count; start += batch) {
    if (stopped?.()) return { predicted, correct, done: start, seconds: (performance.now() - t0) / 1000, stopped: true };
    const n = Math.min(batch, count - start);
    const { probabilities } = await s.run(images.subarray(start * 784, (start + n) * 784), n);
    for (let i = 0; i < n; i++) {
      predicted[start + i] = argmax(probabilities, 10 * i);
      if (predicted[start + i] === labels[start + i]) correct += 1;
    }
    onBatch?.(start + n);
  }
  return { predicted, correct, done: count, seconds: (performance.now() - t0) / 1000, stopped: false };
}
