// Demo: the book's CNN recognises handwritten digits in the page with ONNX Runtime Web (no Python here).
// Draw (digits-pad.js) -> MNIST-style preprocessing (digits-preprocess.js) -> the ONNX model on WASM or
// WebGPU (digits-engine.js) -> probability bars (digits-views.js). Batch mode: digits-batch.js.
//
// Contract: data-state idle (nothing to recognise) | loading (runtime or model on its way) | running (a
// stroke, a prediction or a batch in progress) | done (data-result: {digit, probabilities, provider,
// latency_ms, model}, plus index and label for a held-out digit) | error.
import { Demo, h, vendorUrl } from "../demo-kit.js";
import { BatchPanel } from "./digits-batch.js";
import { digitOf, heldoutBytes, loadHeldout, loadMeta, modelList } from "./digits-data.js";
import * as engine from "./digits-engine.js";
import { DrawingPad } from "./digits-pad.js";
import { canvasGray, preprocess } from "./digits-preprocess.js";
import { ProbabilityBars, digitCanvas, kb, ms, paintDigit, pct, size, table, thumbnailButton } from "./digits-views.js";

const THROTTLE_MS = 50; // predictions while drawing: at most one per this many ms
const GALLERY_PER_CLASS = 2;
const HINT = "请在上面写一个数字";
const EMPTY = "先在方框里写一个数字，再点“识别”。";
const PAD_LABEL = "手写板：用鼠标、手指或触控笔在这里写一个数字。键盘：方向键移动光标（按住 Shift 走得更快），" +
  "空格或回车落笔、再按一次抬笔，落笔时移动就是写；Delete 或退格键清除。";

/** The demo's style sheet (docs/assets/css/digits.css), once per page. */
function loadStyles() {
  const href = new URL("../assets/css/digits.css", vendorUrl).href;
  if (![...document.styleSheets].some((s) => s.href === href) && !document.querySelector(`link[href="${href}"]`)) {
    document.head.append(h("link", { rel: "stylesheet", href }));
  }
}

export function mount(el) {
  loadStyles();
  // Sizes of the ONNX Runtime builds in MB, computed by the build from the vendored files (the demo line's
  // attributes, book numbers dg_ort_*_mb); the model's and the held-out set's sizes come from the metadata.
  const runtimeMb = { wasm: el.dataset.ortWasmMb, webgpu: el.dataset.ortWebgpuMb };
  // A reader who asked the browser to save data downloads nothing large without a click on a button that says
  // how large it is.
  const saveData = !!(navigator.connection && navigator.connection.saveData);
  let consented = !saveData;

  const demo = new Demo(el, {
    title: "动手：在浏览器里识别手写数字",
    intro: "用鼠标、手指或触控笔在黑色方框里写一个 0 到 9 的数字，也可以用键盘（先按 Tab 键进入方框）。" +
      "模型是本书用 NumPy 训练、导出为 ONNX 的卷积网络，由 ONNX Runtime Web 在你的浏览器里运行，不经过任何服务器。" +
      "第一次写字时才下载运行库和模型。",
  });
  const mbNote = (p) => (runtimeMb[p] ? `，约 ${runtimeMb[p]} MB` : "");
  const inputs = demo.addSettings([
    { kind: "choice", name: "provider", label: "计算后端", default: "auto",
      options: [["auto", "自动（有独立 GPU 时实测后选更快的）"], ["wasm", `WASM（CPU${mbNote("wasm")}）`],
        ["webgpu", `WebGPU（GPU${mbNote("webgpu")}）`]] },
    { kind: "choice", name: "model", label: "模型", default: "fp32", options: [["fp32", "FP32"]] },
  ]);
  const downloadBtn = h("button", { type: "button", class: "md-button demo-btn digits-download", hidden: !saveData },
    `下载运行库和模型${runtimeMb.wasm ? `（约 ${runtimeMb.wasm} MB）` : ""}`);
  demo.addButtons({ train: "识别", stop: "停止", reset: "清除", extra: [downloadBtn] });

  // ---- layout: pad | what the model sees | probabilities; then gallery, batch mode, model comparison ----

  const padCol = h("div", { class: "digits-pad-col" });
  const pad = new DrawingPad(padCol, {
    label: PAD_LABEL, onIntent: intent, onStart: strokeStarted, onMove: strokeMoved, onEnd: strokeEnded,
    onClear: clearAll,
  });
  const hint = h("p", { class: "digits-hint" }, HINT);
  padCol.append(hint);
  const inputView = digitCanvas("digits-view", "模型的 28 × 28 输入，放大显示");
  const seenCol = h("div", { class: "digits-input-col" },
    h("div", { class: "demo-field" }, h("label", {}, "模型看到的 28 × 28 输入")), inputView);
  const verdict = h("div", { class: "digits-verdict", "aria-live": "polite" }, "—");
  const barsCol = h("div", { class: "digits-bars-col" }, verdict);
  const bars = new ProbabilityBars(barsCol);
  const row = h("div", { class: "demo-plots digits-main" }, padCol, seenCol, barsCol);

  const providerLine = h("p", { class: "digits-provider" });
  const measureLine = h("p", { class: "digits-measure" });

  const galleryEl = h("div", { class: "digits-gallery" });
  const galleryLoadBtn = h("button", { type: "button", class: "md-button demo-btn digits-gallery-load" }, "显示测试集里的数字");
  const moreBtn = h("button", { type: "button", class: "md-button demo-btn digits-more", hidden: true }, "换一组");
  const gallerySection = h("div", { class: "digits-gallery-section" },
    h("div", { class: "demo-title" }, "测试集里的数字：点一个，把它交给模型"), galleryLoadBtn, galleryEl, moreBtn);

  const batch = new BatchPanel(demo.id, {
    prepare: prepareBatch,
    onStart: () => demo.setState("running"),
    onEnd: () => { if (demo.el.dataset.state !== "error") demo.setState(lastResult ? "done" : "idle", lastResult || undefined); },
    onPick: (index) => showHeldoutDigit(index),
    onAccuracy: (accuracy) => renderModels(accuracy),
    onError: (message) => demo.showError(message),
  }, runtimeMb);
  const compareEl = h("div", { class: "digits-models" });
  demo.body.append(row, providerLine, measureLine, gallerySection, batch.el, compareEl);

  // ---- state ----

  let meta = null; // the model's metadata: small, fetched at once (it has the sizes the buttons show)
  let heldout = null;
  let models = [];
  let loading = null; // Promise: the WASM session of the chosen model
  let loaded = false;
  let heldoutLoading = null;
  let current = null; // {input: Float32Array(784), source: "canvas" | "heldout", index, label}
  let seq = 0; // numbers prediction requests; a reply to an older one is dropped
  let inFlight = false;
  let lastMove = 0;
  let lastResult = null;
  let chosen = null; // provider picked by measurement in automatic mode
  let measuring = null;
  let galleryPage = 0;

  const modelUrl = () => (models.find((m) => m.id === inputs.model.value) || models[0]).url;
  const modelBytes = () => (models.find((m) => m.id === inputs.model.value) || models[0]).bytes;

  /** "ONNX Runtime（约 14 MB）和模型（367 KB）": what the first recognition downloads. */
  function runtimeText(provider = "wasm") {
    const ort = runtimeMb[provider] ? `（约 ${runtimeMb[provider]} MB）` : "";
    return `ONNX Runtime${ort}和模型${meta ? `（${size(modelBytes())}）` : ""}`;
  }

  const metaReady = loadMeta().then((m) => {
    meta = m;
    models = modelList(meta);
    if (models.length > 1 && inputs.model.options.length === 1) {
      inputs.model.append(h("option", { value: "int8" }, "INT8（量化）"));
    }
    downloadBtn.textContent = `下载运行库和模型（${runtimeMb.wasm
      ? `约 ${(Number(runtimeMb.wasm) + models[0].bytes / 1e6).toFixed(0)} MB` : `模型 ${size(models[0].bytes)}`}）`;
    galleryLoadBtn.textContent = `显示测试集里的数字（下载 ${size(heldoutBytes(meta))}）`;
    batch.setDownload(size(heldoutBytes(meta)));
    renderModels({});
    return meta;
  });
  metaReady.catch((err) => demo.showError(`模型信息加载失败：${err.message}。请检查网络后刷新页面。`));

  /** A visible message that does not stop the demo (e.g. a fallback). */
  function warn(message) {
    demo.errorEl.textContent = message;
    demo.errorEl.hidden = false;
  }

  function setState(state, result) {
    if (batch.running && state !== "error") return; // the batch owns the state until it ends
    demo.setState(state, result);
  }

  function showIdle() {
    bars.show(null);
    verdict.textContent = "—";
    paintDigit(inputView, null);
    hint.hidden = false;
    hint.classList.remove("is-alert");
    lastResult = null;
    setState("idle");
    demo.status("");
  }

  /** Save-data mode before the reader's click on the download button: say what it takes, start nothing. */
  function askConsent() {
    downloadBtn.hidden = false;
    setState("idle");
    demo.status(`省流量模式：识别需要先下载 ${runtimeText()}。点“${downloadBtn.textContent}”开始。`);
  }

  /** The metadata, the WASM runtime and the chosen model (not the held-out set). */
  function ensureLoaded() {
    if (!loading) {
      loading = (async () => {
        await metaReady;
        if (!loaded && el.dataset.state === "loading") demo.status(`正在下载 ${runtimeText()}……`);
        await engine.session("wasm", modelUrl());
        loaded = true;
      })();
      loading.catch((err) => {
        loading = null;
        demo.showError(`模型加载失败：${err.message}。请检查网络后刷新页面。`);
      });
    }
    return loading;
  }

  /** The held-out digits (for the gallery and batch mode only): said with their size, fetched once. */
  function ensureHeldout(say) {
    if (!heldoutLoading) {
      heldoutLoading = (async () => {
        await metaReady;
        say?.(`正在下载测试集（${size(heldoutBytes(meta))}）……`);
        heldout = await loadHeldout();
        batch.setDownload(null);
        return heldout;
      })();
      heldoutLoading.catch(() => { heldoutLoading = null; });
    }
    return heldoutLoading;
  }

  /** The reader means to draw (pointer down or a key on the pad): start the downloads, unless saving data. */
  function intent() {
    if (consented) ensureLoaded().catch(() => {});
  }

  // ---- choosing the provider ----

  async function providerFor(mode) {
    if (mode === "wasm") return "wasm";
    if (mode === "webgpu") {
      if (await engine.gpuAdapter()) return "webgpu";
      warn("这个浏览器没有可用的 WebGPU（navigator.gpu.requestAdapter() 没有给出适配器），已改用 WASM 在 CPU 上运行。");
      return "wasm";
    }
    if (!chosen) measureProviders();
    return chosen || "wasm"; // until the measurement is in
  }

  /** The session for `provider`, falling back to WASM (with a message) when WebGPU fails to start. */
  async function sessionFor(provider) {
    if (provider === "webgpu" && !engine.hasSession("webgpu", modelUrl())) {
      demo.status(`正在下载 WebGPU 版 ${runtimeText("webgpu")}……`);
    }
    try {
      return await engine.session(provider, modelUrl());
    } catch (err) {
      if (provider !== "webgpu") throw err;
      warn(`WebGPU 启动失败（${err.message}），已改用 WASM 在 CPU 上运行。`);
      return engine.session("wasm", modelUrl());
    }
  }

  /**
   * Automatic mode: with a GPU worth trying (not a software adapter), time one digit on each provider once
   * and draw with the faster; otherwise WASM, and the WebGPU build is never downloaded.
   */
  function measureProviders() {
    if (measuring) return measuring;
    measuring = engine.exclusively(async () => {
      await ensureLoaded();
      if (!(await engine.gpuWorthTrying())) {
        chosen = "wasm";
        const why = (await engine.gpuAdapter()) ? "这个浏览器的 WebGPU 是软件模拟的，不会比 CPU 快" : "这个浏览器没有 WebGPU 适配器";
        measureLine.textContent = `自动选择：${why}，用 WASM（CPU），不下载 WebGPU 版运行库。`;
        measureLine.dataset.measured = JSON.stringify({ times: {}, chosen });
        return {};
      }
      const sample = new Float32Array(784); // the time of one run does not depend on the pixels
      measureLine.textContent = `正在实测两种后端识别一张数字的用时（先下载 WebGPU 版运行库，约 ${runtimeMb.webgpu || "?"} MB）……`;
      const times = { wasm: await engine.timeRuns(await engine.session("wasm", modelUrl()), sample, 1, { minRuns: 10, minMs: 200 }) };
      let note = "";
      try {
        times.webgpu = await engine.timeRuns(await engine.session("webgpu", modelUrl()), sample, 1, { minRuns: 5, minMs: 200 });
      } catch (err) {
        note = `（WebGPU 启动失败：${err.message}）`;
      }
      chosen = times.webgpu !== undefined && times.webgpu < times.wasm ? "webgpu" : "wasm";
      const parts = engine.PROVIDERS.filter((p) => times[p] !== undefined).map((p) => `${engine.PROVIDER_NAMES[p]} ${ms(times[p])} ms`);
      measureLine.textContent = `自动选择：实测识别一张数字，${parts.join("，")}${note}；写字时用 ${engine.PROVIDER_NAMES[chosen]}。`;
      measureLine.dataset.measured = JSON.stringify({ times, chosen });
      return times;
    });
    measuring.catch((err) => {
      measuring = null;
      measureLine.textContent = `实测失败：${err.message}`;
    });
    return measuring;
  }

  // ---- predicting ----

  function describeProvider(provider, latency) {
    const where = provider === "wasm" ? `CPU，${engine.wasmThreads()} 个线程` : "GPU";
    providerLine.textContent = `正在使用：${provider === "wasm" ? "WASM" : "WebGPU"}（${where}）· ` +
      `模型 ${inputs.model.value.toUpperCase()} · 这次推理 ${ms(latency)} ms（含把结果读回 CPU）`;
    providerLine.dataset.provider = provider;
  }

  /** Classify `current`. Final predictions (stroke ended, a click) go through running to done + result. */
  async function predict(final) {
    if (!current) { showIdle(); return; }
    if (!consented) { askConsent(); return; }
    const my = ++seq;
    const source = current;
    try {
      if (final && !loaded) setState("loading");
      else if (final) setState("running");
      await ensureLoaded();
      const session = await sessionFor(await providerFor(inputs.provider.value));
      inFlight = true;
      const { probabilities, ms: latency } = await session.run(source.input, 1).finally(() => { inFlight = false; });
      if (my !== seq) return; // a newer drawing has replaced this one
      const probs = Array.from(probabilities);
      const digit = engine.argmax(probs);
      bars.show(probs);
      verdict.textContent = `预测：${digit}（${(100 * probs[digit]).toFixed(1)}%）`;
      describeProvider(session.provider, latency);
      if (!final) return;
      lastResult = { digit, probabilities: probs, provider: session.provider, latency_ms: latency, model: inputs.model.value };
      if (source.source === "heldout") Object.assign(lastResult, { index: source.index, label: source.label });
      setState("done", lastResult);
      demo.status(source.source === "heldout"
        ? `测试集第 ${source.index} 张，标签是 ${source.label}，模型认为是 ${digit}。`
        : `模型认为你写的是 ${digit}。`);
    } catch (err) {
      if (my !== seq) return;
      demo.showError(loaded ? `识别失败：${err.message}` : `模型加载失败：${err.message}。请检查网络后刷新页面。`);
    }
  }

  function readPad() {
    const pre = preprocess(canvasGray(pad.canvas), pad.canvas.width, pad.canvas.height);
    current = pre ? { input: pre.input, source: "canvas" } : null;
    paintDigit(inputView, current && current.input);
    return current;
  }

  function strokeStarted() {
    hint.hidden = true;
    if (!consented) { askConsent(); return; }
    setState(loaded ? "running" : "loading");
    demo.status(loaded ? "" : `正在下载 ${runtimeText()}……`);
  }

  function strokeMoved() {
    const now = performance.now();
    if (now - lastMove < THROTTLE_MS || inFlight || !consented) return;
    lastMove = now;
    if (readPad()) predict(false);
  }

  function strokeEnded() {
    readPad();
    predict(true);
  }

  function showHeldoutDigit(index) {
    const pixels = digitOf(heldout, index);
    current = { input: pixels, source: "heldout", index, label: heldout.labels[index] };
    pad.showDigit(pixels);
    hint.hidden = true;
    paintDigit(inputView, pixels);
    predict(true);
  }

  function clearAll() {
    seq += 1;
    current = null;
    pad.clear();
    demo.clearError();
    showIdle();
  }

  // ---- gallery, batch mode and model comparison ----

  /** GALLERY_PER_CLASS digits of each class: the galleryPage-th group in the held-out order. */
  function renderGallery() {
    const picks = [];
    for (let d = 0; d < 10; d++) {
      const ofClass = [];
      for (let i = 0; i < heldout.count; i++) if (heldout.labels[i] === d) ofClass.push(i);
      const start = (galleryPage % Math.floor(ofClass.length / GALLERY_PER_CLASS)) * GALLERY_PER_CLASS;
      picks.push(...ofClass.slice(start, start + GALLERY_PER_CLASS));
    }
    galleryEl.replaceChildren(...picks.map((i) => thumbnailButton(digitOf(heldout, i),
      `测试集第 ${i} 张（标签 ${heldout.labels[i]}）`, null, () => showHeldoutDigit(i))));
    galleryEl.dataset.indices = JSON.stringify(picks);
  }

  /** What batch mode needs: the held-out set and the runtime, each said with its size before it downloads. */
  async function prepareBatch(say) {
    if (!consented) {
      askConsent();
      throw new Error(`省流量模式：请先点上面的“${downloadBtn.textContent}”。`);
    }
    await metaReady;
    if (!loaded) say(`正在下载 ${runtimeText()}……`);
    await ensureLoaded();
    await ensureHeldout(say);
    return { meta, heldout, models };
  }

  /** FP32 against INT8: size and held-out accuracy from the metadata, and this page's batch accuracy. */
  function renderModels(measured) {
    compareEl.replaceChildren(h("div", { class: "demo-title" }, "模型对比：FP32 与 INT8 量化"),
      table(["模型", "文件大小", "测试集准确率（导出时）", "本页批量实测"], models.map((m) => [
        m.name, kb(m.bytes), pct(m.accuracy), measured[m.id] !== undefined ? pct(measured[m.id]) : "（运行批量识别后显示）"])));
    if (models.length === 1) compareEl.append(h("p", {}, "这次导出没有保留 INT8 模型。"));
  }

  // ---- controls and buttons ----

  demo.trainBtn.addEventListener("click", () => { // 识别
    demo.clearError();
    if (!current || current.source === "canvas") readPad();
    if (!current) { // nothing written: say what to do, load nothing
      showIdle();
      hint.classList.add("is-alert");
      demo.status(EMPTY);
      return;
    }
    predict(true);
  });
  demo.stopBtn.addEventListener("click", () => batch.stop());
  demo.resetBtn.addEventListener("click", clearAll); // 清除
  downloadBtn.addEventListener("click", () => {
    consented = true;
    downloadBtn.hidden = true;
    setState("loading");
    demo.status(`正在下载 ${runtimeText()}……`);
    ensureLoaded().then(() => {
      if (current) predict(true);
      else { setState("idle"); demo.status("运行库和模型已下载。写一个数字试试。"); }
    }).catch(() => {});
  });
  inputs.provider.addEventListener("change", () => {
    demo.clearError();
    if (current) predict(true);
  });
  inputs.model.addEventListener("change", () => { if (current) predict(true); });
  galleryLoadBtn.addEventListener("click", async () => {
    galleryLoadBtn.disabled = true;
    try {
      await ensureHeldout((text) => demo.status(text));
    } catch (err) {
      galleryLoadBtn.disabled = false;
      demo.showError(`测试集加载失败：${err.message}。请检查网络后再试。`);
      return;
    }
    demo.status("");
    galleryLoadBtn.hidden = true;
    moreBtn.hidden = false;
    renderGallery();
    galleryEl.querySelector("button")?.focus(); // a keyboard reader lands on the first digit
  });
  moreBtn.addEventListener("click", () => {
    galleryPage += 1;
    renderGallery();
  });
  showIdle();
  if (saveData) demo.status("省流量模式：识别前需要下载运行库和模型，点“下载运行库和模型”开始。");

  // ---- for build_tools/bench.py ----

  let firstPredictionMs = null;
  window.bookDigits = {
    /**
     * Mean ms per run (after warm-up) of batches of 1 and 64 digits on each provider this browser has, and
     * the time from navigation start to the first prediction of the first call.
     */
    async benchmark({ batches = [1, 64], minMs = 500 } = {}) {
      consented = true;
      await ensureLoaded();
      await ensureHeldout();
      const fp32 = models[0].url;
      await (await engine.session("wasm", fp32)).run(heldout.images, 1);
      if (firstPredictionMs === null) firstPredictionMs = performance.now();
      const providers = await engine.exclusively(async () => {
        const out = {};
        for (const provider of engine.PROVIDERS) {
          if (provider === "webgpu" && !(await engine.gpuAdapter())) continue;
          const s = await engine.session(provider, fp32);
          out[provider] = {};
          for (const n of batches) out[provider][String(n)] = await engine.timeRuns(s, heldout.images, n, { minMs });
        }
        return out;
      });
      return { firstPredictionMs, providers, wasmThreads: engine.wasmThreads(), crossOriginIsolated: self.crossOriginIsolated };
    },
  };
}
