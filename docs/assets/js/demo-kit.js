// What every demo shares: the page's one Python worker, the demo contract on the element, controls with
// checked input, the Train / Stop / Reset buttons, progress and error messages.
//
// Contract (tests and demos rely on it): the element has data-demo="<id>" and data-state in
// idle | loading | running | done | error; on done, data-result holds JSON of the final figures; on error a
// visible .demo-error says what went wrong.

const base = new URL(document.querySelector('meta[name="book-base"]')?.content || "./", location.href);
export const vendorUrl = new URL("vendor/", base).href;

// ---- the shared Python runtime ------------------------------------------------------------------------

let worker = null;
let ready = null;
const listeners = new Map(); // session id -> callback
const bootWatchers = new Set();
let bootInfo = null;

function onWorkerMessage(event) {
  const msg = event.data;
  if (msg.type === "update") {
    const cb = listeners.get(msg.id);
    if (cb) cb(msg);
  } else {
    for (const cb of bootWatchers) cb(msg);
  }
}

/** Start the runtime download (once per page); resolves with {python, numpy, seconds} when Python is ready. */
export function python() {
  if (ready) return ready;
  ready = (async () => {
    const runtime = await (await fetch(vendorUrl + "runtime.json")).json();
    worker = new Worker(new URL("py-worker.js", import.meta.url), { type: runtime.profile === "cdn" ? "module" : "classic" });
    worker.onmessage = onWorkerMessage;
    return new Promise((resolve, reject) => {
      const watch = (msg) => {
        if (msg.type === "ready") {
          bootInfo = msg;
          bootWatchers.delete(watch);
          // for readers' curiosity and for the tests: which runtime, how long it took, what it downloaded
          document.documentElement.dataset.pythonRuntime = JSON.stringify(msg);
          resolve(msg);
        }
        if (msg.type === "boot-error") { bootWatchers.delete(watch); reject(new Error(msg.message)); }
      };
      bootWatchers.add(watch);
      worker.postMessage({ type: "boot", vendor: vendorUrl, runtime });
    });
  })();
  ready.catch(() => { ready = null; }); // a failed download can be retried
  return ready;
}

let nextId = 1;

// ---- small DOM helpers --------------------------------------------------------------------------------

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);

// ---- the demo ---------------------------------------------------------------------------------------------

export class Demo {
  /**
   * @param {HTMLElement} el  the element with data-demo
   * @param {object} options  {title, intro}
   */
  constructor(el, { title, intro } = {}) {
    this.el = el;
    this.id = `${el.dataset.demo}-${nextId++}`;
    this.fields = [];
    el.classList.add("demo");
    el.replaceChildren();
    if (title) el.append(h("div", { class: "demo-title" }, title));
    if (intro) el.append(h("p", { class: "demo-intro" }, intro));
    this.controlsEl = h("div", { class: "demo-controls" });
    this.buttonsEl = h("div", { class: "demo-buttons" });
    this.statusEl = h("div", { class: "demo-status", role: "status", "aria-live": "polite" });
    this.errorEl = h("div", { class: "demo-error", role: "alert", hidden: true });
    this.body = h("div", { class: "demo-body" });
    el.append(this.controlsEl, this.buttonsEl, this.statusEl, this.errorEl, this.body);
    this.setState("idle");
  }

  setState(state, result) {
    this.el.dataset.state = state;
    if (result !== undefined) this.el.dataset.result = JSON.stringify(result);
    else if (state !== "done") delete this.el.dataset.result;
    for (const b of this.buttonsEl.querySelectorAll("button")) {
      const action = b.dataset.action;
      const busy = state === "loading" || state === "running";
      b.disabled = action === "stop" ? !busy : (action === "train" ? busy : false);
    }
  }

  status(text) {
    this.statusEl.textContent = text || "";
  }

  showError(message) {
    this.errorEl.textContent = message;
    this.errorEl.hidden = false;
    this.setState("error");
  }

  clearError() {
    this.errorEl.hidden = true;
    this.errorEl.textContent = "";
  }

  /**
   * Add labelled controls. A spec: {name, label, type: "number"|"range"|"select"|"checkbox"|"text",
   * value, min, max, step, integer, options: [[value, label], ...], help}. Returns the input elements by name.
   */
  addControls(specs) {
    const inputs = {};
    for (const spec of specs) {
      const inputId = `${this.id}-${spec.name}`;
      let input;
      if (spec.type === "select") {
        input = h("select", { id: inputId, name: spec.name });
        for (const [value, label] of spec.options) {
          input.append(h("option", { value, selected: String(value) === String(spec.value) }, label));
        }
      } else if (spec.type === "checkbox") {
        input = h("input", { id: inputId, name: spec.name, type: "checkbox", checked: !!spec.value });
      } else {
        // Numbers are typed into text fields (not type=number) so that whatever the reader types, "abc" or "NaN"
        // included, reaches values() and gets a clear message instead of being silently dropped by the browser.
        const range = spec.type === "range";
        input = h("input", {
          id: inputId, name: spec.name, type: range ? "range" : "text",
          min: range ? spec.min : undefined, max: range ? spec.max : undefined, step: range ? (spec.step ?? "any") : undefined,
          inputmode: range ? undefined : (spec.type === "text" ? "text" : "decimal"), autocomplete: "off", spellcheck: "false",
        });
        input.value = spec.value; // after min/max, or a range would clamp a negative default to 0
      }
      const output = spec.type === "range" ? h("output", { for: inputId }, String(spec.value)) : null;
      if (output) input.addEventListener("input", () => { output.textContent = input.value; });
      const field = h("div", { class: "demo-field" }, h("label", { for: inputId }, spec.label), input, output);
      if (spec.help) field.title = spec.help;
      this.controlsEl.append(field);
      this.fields.push({ spec, input });
      inputs[spec.name] = input;
    }
    return inputs;
  }

  /** The controls' values, checked; throws Error with a reader-facing message on bad input. */
  values() {
    const out = {};
    for (const { spec, input } of this.fields) {
      if (spec.type === "select") { out[spec.name] = input.value; continue; }
      if (spec.type === "checkbox") { out[spec.name] = input.checked; continue; }
      if (spec.type === "text") { out[spec.name] = input.value; continue; }
      const raw = input.value.trim();
      const value = Number(raw);
      if (raw === "" || !Number.isFinite(value)) {
        throw new Error(`「${spec.label}」必须是一个有限的数字（现在是 “${input.value || "空"}”）。`);
      }
      if (spec.integer && !Number.isInteger(value)) throw new Error(`「${spec.label}」必须是整数（现在是 ${raw}）。`);
      if (spec.min !== undefined && value < spec.min) throw new Error(`「${spec.label}」不能小于 ${spec.min}（现在是 ${raw}）。`);
      if (spec.max !== undefined && value > spec.max) throw new Error(`「${spec.label}」不能大于 ${spec.max}（现在是 ${raw}）。`);
      if (spec.positive && !(value > 0)) throw new Error(`「${spec.label}」必须大于 0（现在是 ${raw}）。`);
      out[spec.name] = value;
    }
    return out;
  }

  /** Put settings into the controls (e.g. from a shared link). */
  setValues(values) {
    for (const { spec, input } of this.fields) {
      if (!(spec.name in values)) continue;
      if (spec.type === "checkbox") input.checked = values[spec.name] === true || values[spec.name] === "true";
      else input.value = values[spec.name];
      input.dispatchEvent(new Event("input"));
    }
  }

  addButtons({ train = "训练", stop = "停止", reset = "重置", extra = [] } = {}) {
    const make = (action, label) => h("button", { type: "button", class: `md-button demo-btn demo-btn-${action}`, "data-action": action }, label);
    this.trainBtn = make("train", train);
    this.stopBtn = make("stop", stop);
    this.resetBtn = make("reset", reset);
    this.buttonsEl.append(this.trainBtn, this.stopBtn, this.resetBtn, ...extra);
    this.setState(this.el.dataset.state);
  }

  /** Download the runtime when the demo comes near the viewport (not before: pages stay light). */
  warmWhenVisible() {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { io.disconnect(); this.bootRuntime().catch(() => {}); }
    }, { rootMargin: "200px" });
    io.observe(this.el);
  }

  /** Boot the shared runtime, showing stage and bytes in this demo's status line. */
  async bootRuntime() {
    if (bootInfo) return bootInfo;
    const watch = (msg) => {
      if (msg.type !== "boot-progress") return;
      if (this.el.dataset.state !== "loading") return;
      if (msg.stage === "download") this.status(`正在下载 Python 运行环境：${mb(msg.loaded)} / ${mb(msg.total)} MB`);
      else if (msg.stage === "start") this.status("正在启动 Python……");
      else if (msg.stage === "packages") this.status("正在加载 NumPy 和本书的代码……");
    };
    bootWatchers.add(watch);
    try {
      return await python();
    } finally {
      bootWatchers.delete(watch);
    }
  }

  /**
   * Wire the standard training flow to a Python session.
   * handlers: {session, assets, params(values) -> params, onStart(params), onProgress(progress), onDone(result),
   *            onReset(), describe(result) -> status text}
   */
  trainable(handlers) {
    this.handlers = handlers;
    this.addButtons(handlers.labels);
    this.trainBtn.addEventListener("click", () => this.train());
    this.stopBtn.addEventListener("click", () => this.stop());
    this.resetBtn.addEventListener("click", () => this.reset());
    this.warmWhenVisible();
  }

  async train() {
    const hd = this.handlers;
    this.clearError();
    let params;
    try {
      params = this.values();
      if (hd.params) params = hd.params(params);
    } catch (err) {
      this.showError(err.message);
      return;
    }
    this.stopSession();
    // timings for the benchmark (ms since the page started loading)
    this.el.dataset.trainClickedAt = Math.round(performance.now());
    delete this.el.dataset.firstStepAt;
    const sid = `${this.id}-${nextId++}`;
    this.sessionId = sid;
    this.setState("loading");
    this.status("正在准备……");
    try {
      await this.bootRuntime();
    } catch (err) {
      if (this.sessionId !== sid) return;
      this.showError(`Python 运行环境加载失败：${err.message}。请检查网络后重试。`);
      return;
    }
    if (this.sessionId !== sid) return; // stopped or restarted meanwhile
    this.setState("running");
    this.status("训练中……");
    hd.onStart?.(params);
    this.started = performance.now();
    listeners.set(sid, (msg) => this.onUpdate(sid, msg));
    worker.postMessage({ type: "start", id: sid, session: hd.session, params, assets: hd.assets || [] });
  }

  onUpdate(sid, msg) {
    if (sid !== this.sessionId) return;
    const hd = this.handlers;
    if (msg.memory) document.documentElement.dataset.pythonMemory = msg.memory;
    try {
      if (msg.progress) {
        if (!this.el.dataset.firstStepAt) this.el.dataset.firstStepAt = Math.round(performance.now());
        hd.onProgress?.(msg.progress);
      }
      if (msg.state === "running") return;
      if (msg.state === "done") hd.onDone?.(msg.result);
    } catch (err) {
      // a bug in the page's drawing code must not leave the demo spinning
      console.warn(err);
      this.stopSession();
      this.showError(`页面显示出错：${err.message}`);
      return;
    }
    listeners.delete(sid);
    this.sessionId = null;
    if (msg.state === "done") {
      this.setState("done", msg.result);
      this.status(hd.describe ? hd.describe(msg.result) : "完成。");
    } else if (msg.state === "error") {
      this.showError(msg.message);
      this.status("");
    } else if (msg.state === "stopped") {
      this.setState("idle");
    }
  }

  stopSession() {
    if (!this.sessionId) return false;
    if (worker) worker.postMessage({ type: "stop", id: this.sessionId });
    listeners.delete(this.sessionId);
    this.sessionId = null;
    return true;
  }

  stop() {
    if (this.stopSession()) {
      this.setState("idle");
      this.status("已停止。可以继续调整设置后重新训练。");
    }
  }

  reset() {
    this.stopSession();
    this.clearError();
    this.handlers.onReset?.();
    this.setState("idle");
    this.status("");
  }
}
