// What every demo shares: the demo contract on the element, controls built from the declared settings, share
// links, the Train / Stop / Reset buttons, progress and error messages. The Python worker is bridge.js's.
//
// Contract (tests and demos rely on it): the element has data-demo="<id>" and data-state in
// idle | loading | running | done | error; on done, data-result holds JSON of the final figures; on error a
// visible .demo-error says what went wrong.

import { bootInfo, python, startSession, stopSession, watchBoot } from "./bridge.js";
import { readField } from "./settings.js";

export { python, runSession, vendorUrl } from "./bridge.js";

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

let nextId = 1;

const mb = (bytes) => (bytes / 1e6).toFixed(1);

/** A share in [0, 1] as a percentage with one decimal ("—" when there is none yet). */
export const pct = (v) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`);

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
    const busy = state === "loading" || state === "running";
    // keyboard users keep their place: focus on Train moves to Stop while a run goes, and back when it ends
    const focused = document.activeElement;
    const follow = !!focused && (focused === this.trainBtn || focused === this.stopBtn);
    for (const b of this.buttonsEl.querySelectorAll("button")) {
      const action = b.dataset.action;
      b.disabled = action === "stop" ? !busy : (action === "train" ? busy : false);
    }
    if (follow) (busy ? this.stopBtn : this.trainBtn).focus();
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
   * Controls built from the settings the demo's Python session declares (demos/apps/settings.py), which the
   * build writes into the element as data-settings. Returns the input elements by name.
   */
  addSettings(spec = JSON.parse(this.el.dataset.settings || "[]")) {
    const inputs = {};
    for (const field of spec) {
      const inputId = `${this.id}-${field.name}`;
      let input;
      if (field.kind === "choice") {
        input = h("select", { id: inputId, name: field.name });
        for (const [value, label] of field.options) {
          input.append(h("option", { value, selected: value === String(field.default) }, label));
        }
      } else if (field.kind === "flag") {
        input = h("input", { id: inputId, name: field.name, type: "checkbox", checked: !!field.default });
      } else {
        // Numbers are typed into text fields (not type=number) so that whatever the reader types, "abc", "NaN" or a
        // full-width "０.１" included, reaches values() and is read or gets a clear message, never silently dropped.
        const slider = field.kind === "number" && field.slider;
        input = h("input", {
          id: inputId, name: field.name, type: slider ? "range" : "text",
          min: slider ? field.low : undefined, max: slider ? field.high : undefined,
          step: slider ? (field.step ?? "any") : undefined,
          inputmode: field.kind === "number" && !slider ? "decimal" : undefined, autocomplete: "off", spellcheck: "false",
        });
        input.value = String(field.default); // after min/max, or a range would clamp a negative default to 0
      }
      const output = input.type === "range" ? h("output", { for: inputId }, String(field.default)) : null;
      if (output) input.addEventListener("input", () => { output.textContent = input.value; });
      const row = h("div", { class: "demo-field" }, h("label", { for: inputId }, field.label), input, output);
      if (field.help) row.title = field.help;
      this.controlsEl.append(row);
      this.fields.push({ field, input });
      inputs[field.name] = input;
    }
    this.fillFromLink();
    return inputs;
  }

  /** The address's prefix for this demo's settings: ?<demo>.<name>=<value>, e.g. ?playground.layers=16-16. */
  get linkPrefix() {
    return `${this.el.dataset.demo}.`;
  }

  /** Settings from a shared link fill the controls; a bad one gets the same message as if it had been typed. */
  fillFromLink(search = location.search) {
    const linked = {};
    for (const [key, value] of new URLSearchParams(search)) {
      if (key.startsWith(this.linkPrefix)) linked[key.slice(this.linkPrefix.length)] = value;
    }
    const known = this.fields.filter(({ field }) => field.name in linked);
    if (!known.length) return false;
    this.setValues(linked);
    try {
      for (const { field } of known) readField(field, linked[field.name]);
      this.status("已按链接里的设置填好，点「训练」开始。");
    } catch (err) {
      this.showError(`链接里的设置有误：${err.message}`);
    }
    return true;
  }

  /** A link to this page that restores the controls as they are now (other demos' settings in it are kept). */
  shareUrl() {
    const params = new URLSearchParams(location.search);
    for (const key of [...params.keys()]) if (key.startsWith(this.linkPrefix)) params.delete(key);
    for (const [name, value] of Object.entries(this.rawValues())) params.set(this.linkPrefix + name, String(value));
    return `${location.origin}${location.pathname}?${params}${location.hash}`;
  }

  /** Put the link in the address bar and on the clipboard (or, where copying is not allowed, in a box to copy). */
  async share() {
    const url = this.shareUrl();
    history.replaceState(history.state, "", url);
    this.shareBox.value = url;
    this.shareBox.hidden = false;
    try {
      await navigator.clipboard.writeText(url);
      this.status("链接已复制到剪贴板：打开它就会恢复现在这组设置。");
    } catch (err) {
      this.shareBox.focus();
      this.shareBox.select();
      this.status("浏览器不允许自动复制，请手动复制下面的链接（已选中）。");
    }
  }

  /** What the controls hold, as typed (strings; booleans for check boxes). */
  rawValues() {
    return Object.fromEntries(this.fields.map(({ field, input }) => [field.name, input.type === "checkbox" ? input.checked : input.value]));
  }

  /** The controls' values, read by the declared rules; throws Error with the same message Python would give. */
  values() {
    const out = {};
    for (const { field, input } of this.fields) out[field.name] = readField(field, input.type === "checkbox" ? input.checked : input.value);
    return out;
  }

  /** Put settings into the controls (e.g. from a shared link). */
  setValues(values) {
    for (const { field, input } of this.fields) {
      if (!(field.name in values)) continue;
      if (input.type === "checkbox") input.checked = values[field.name] === true || values[field.name] === "true";
      else input.value = values[field.name];
      input.dispatchEvent(new Event("input"));
    }
  }

  addButtons({ train = "训练", stop = "停止", reset = "重置", extra = [] } = {}) {
    const make = (action, label) => h("button", { type: "button", class: `md-button demo-btn demo-btn-${action}`, "data-action": action }, label);
    this.trainBtn = make("train", train);
    this.stopBtn = make("stop", stop);
    this.resetBtn = make("reset", reset);
    this.buttonsEl.append(this.trainBtn, this.stopBtn, this.resetBtn, ...extra);
    if (this.fields.length) {
      this.shareBtn = make("share", "复制链接");
      this.shareBox = h("input", {
        type: "text", readonly: true, hidden: true, class: "demo-share", "aria-label": "这组设置的链接",
        style: "width: 100%; font-size: 0.75rem;",
      });
      this.shareBtn.addEventListener("click", () => this.share());
      for (const { input } of this.fields) input.addEventListener("input", () => { this.shareBox.hidden = true; });
      this.buttonsEl.append(this.shareBtn, this.shareBox);
    }
    this.setState(this.el.dataset.state);
  }

  /** Download the runtime when the demo comes near the viewport (not before: pages stay light). */
  warmWhenVisible() {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { io.disconnect(); this.bootRuntime().catch(() => {}); }
    }, { rootMargin: "200px" });
    io.observe(this.el);
  }

  /** Boot the runtime that runs this demo's sessions, showing stage and bytes in this demo's status line. */
  async bootRuntime() {
    const session = this.handlers?.session;
    if (bootInfo(session)) return bootInfo(session);
    const unwatch = watchBoot((msg) => {
      if (msg.type !== "boot-progress") return;
      if (this.el.dataset.state !== "loading") return;
      if (msg.stage === "download") this.status(`正在下载 Python 运行环境：${mb(msg.loaded)} / ${mb(msg.total)} MB`);
      else if (msg.stage === "start") this.status("正在启动 Python……");
      else if (msg.stage === "packages") this.status("正在加载 NumPy 和本书的代码……");
    }, session);
    try {
      return await python(session);
    } finally {
      unwatch();
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
    startSession(sid, hd.session, params, hd.assets || [], (msg) => this.onUpdate(sid, msg));
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
    stopSession(sid, false);
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
    // Python stuck in one long call does not answer: the bridge restarts its worker and the reader is told here
    stopSession(this.sessionId, true, (message) => { if (!this.sessionId) this.status(message); });
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
