// Batch mode of the digit recogniser: classify the whole held-out set, in batches of 64, 500 or all at once,
// on each chosen provider and each model; accuracy and time per run, and the digits the model got wrong.
// Contract of its element (.digits-batch): data-state idle | running | done | error; on done, data-result
// {runs: [{provider, model, batch, correct, total, accuracy, seconds, ms_per_digit}], json_accuracy, held_out_size}.
import { h } from "../demo-kit.js";
import * as engine from "./digits-engine.js";
import { digitOf } from "./digits-data.js";
import { ms, pct, table, thumbnailButton } from "./digits-views.js";

const SIZES = [["64", "64"], ["500", "500"], ["2000", "2000（一次全部）"]];
const MAX_WRONG_SHOWN = 40;

export class BatchPanel {
  /**
   * @param {string} idPrefix  for the inputs' ids
   * @param {object} hooks  {prepare(say) -> {meta, heldout, models} (downloads what the run needs, saying its
   *   size with say(text); rejects with the reader's message), onStart(), onEnd(), onPick(index),
   *   onAccuracy({model id: accuracy}), onError(message)}
   * @param {object} runtimeMb  {provider: megabytes of its ONNX Runtime build}, shown next to each provider
   */
  constructor(idPrefix, hooks, runtimeMb = {}) {
    this.hooks = hooks;
    this.el = h("div", { class: "digits-batch" });
    this.el.dataset.state = "idle";
    const sizeId = `${idPrefix}-batch-size`;
    this.size = h("select", { id: sizeId, name: "batch" },
      ...SIZES.map(([value, label], i) => h("option", { value, selected: i === 0 }, label)));
    this.checks = {};
    const checkFields = engine.PROVIDERS.map((p) => {
      const id = `${idPrefix}-batch-${p}`;
      // WebGPU only when it is worth trying (a real GPU): its build is a large download of its own
      this.checks[p] = h("input", { id, type: "checkbox", name: `batch-${p}`, checked: p === "wasm" });
      const mb = runtimeMb[p] ? `（约 ${runtimeMb[p]} MB）` : "";
      return h("label", { for: id, class: "digits-batch-check" }, this.checks[p], ` ${engine.PROVIDER_NAMES[p]}${mb}`);
    });
    this.start = h("button", { type: "button", class: "md-button demo-btn demo-btn-train digits-batch-start" },
      "批量识别整个测试集");
    this.progress = h("div", { class: "digits-batch-progress", role: "status", "aria-live": "polite" });
    this.results = h("div", { class: "digits-batch-results" });
    this.wrong = h("div", { class: "digits-wrong" });
    this.el.append(h("div", { class: "demo-title" }, "批量模式：一次识别测试集的全部数字"),
      h("div", { class: "digits-batch-row" },
        h("div", { class: "demo-field" }, h("label", { for: sizeId }, "每批张数"), this.size),
        h("div", { class: "demo-field" }, h("span", {}, "后端"), h("div", {}, ...checkFields)),
        this.start),
      this.progress, this.results, this.wrong);
    this.running = false;
    this.stopRequested = false;
    this.start.addEventListener("click", async () => {
      this.start.disabled = true;
      this.progress.textContent = "准备中……";
      try {
        Object.assign(this, await this.hooks.prepare((text) => { this.progress.textContent = text; }));
      } catch (err) {
        this.progress.textContent = err.message;
        this.start.disabled = false;
        return;
      }
      engine.exclusively(() => this.run());
    });
    this.gpuChecked();
  }

  /** The WebGPU box: disabled without an adapter, ticked only for an adapter worth trying. */
  async gpuChecked() {
    const box = this.checks.webgpu;
    if (!(await engine.gpuAdapter())) {
      box.checked = false;
      box.disabled = true;
      box.parentElement.title = "这个浏览器没有可用的 WebGPU 适配器";
    } else {
      box.checked = await engine.gpuWorthTrying();
    }
  }

  /** Say the size of the held-out set on the button while it is still to be downloaded. */
  setDownload(text) {
    this.start.textContent = text ? `批量识别整个测试集（先下载 ${text}）` : "批量识别整个测试集";
  }

  stop() {
    if (this.running) this.stopRequested = true;
  }

  async run() {
    const { heldout, models, meta } = this;
    const batch = Number(this.size.value);
    const providers = engine.PROVIDERS.filter((p) => this.checks[p].checked && !this.checks[p].disabled);
    if (!providers.length) {
      this.progress.textContent = "请至少选一种后端。";
      this.start.disabled = false;
      return;
    }
    this.running = true;
    this.stopRequested = false;
    this.el.dataset.state = "running";
    delete this.el.dataset.result;
    this.results.replaceChildren();
    this.wrong.replaceChildren();
    this.hooks.onStart();
    const runs = [];
    const rows = [];
    const show = () => this.results.replaceChildren(table(["后端", "模型", "每批", "准确率", "总用时", "平均每张"], rows));
    const accuracy = {};
    try {
      outer:
      for (const provider of providers) {
        for (const model of models) {
          if (this.stopRequested) break outer;
          const name = `${engine.PROVIDER_NAMES[provider]} · ${model.name}`;
          this.progress.textContent = `${name}：准备中……`;
          let r;
          try {
            const session = await engine.session(provider, model.url);
            await session.run(heldout.images, Math.min(batch, heldout.count)); // warm-up: the first run compiles
            r = await engine.classifyAll(session, heldout.images, heldout.labels, batch, {
              stopped: () => this.stopRequested,
              onBatch: (done) => { this.progress.textContent = `${name}：${done} / ${heldout.count}`; },
            });
          } catch (err) { // e.g. a batch too large for this GPU's buffers: say so, go on with the others
            rows.push([engine.PROVIDER_NAMES[provider], model.name, String(batch), "无法运行", err.message, "—"]);
            show();
            continue;
          }
          if (r.stopped) break outer;
          const run = { provider, model: model.id, batch, correct: r.correct, total: heldout.count,
            accuracy: r.correct / heldout.count, seconds: r.seconds, ms_per_digit: 1000 * r.seconds / heldout.count };
          runs.push(run);
          accuracy[model.id] = run.accuracy;
          rows.push([engine.PROVIDER_NAMES[provider], model.name, String(batch), `${pct(run.accuracy)}（${r.correct}/${heldout.count}）`,
            `${ms(1000 * r.seconds)} ms`, `${ms(run.ms_per_digit)} ms`]);
          show();
          if (runs.length === 1) this.showWrong(r.predicted);
        }
      }
      this.hooks.onAccuracy(accuracy);
      if (this.stopRequested) {
        this.progress.textContent = "已停止。";
        this.el.dataset.state = "idle";
      } else {
        this.progress.textContent = `完成。导出时记录的测试集准确率是 ${pct(meta.held_out_accuracy)}。`;
        this.el.dataset.state = "done";
        this.el.dataset.result = JSON.stringify({ runs, json_accuracy: meta.held_out_accuracy, held_out_size: heldout.count });
      }
    } catch (err) {
      this.el.dataset.state = "error";
      this.progress.textContent = "";
      this.hooks.onError(`批量识别失败：${err.message}`);
    } finally {
      this.running = false;
      this.start.disabled = false;
      this.hooks.onEnd();
    }
  }

  /** Thumbnails of the misclassified digits (label → prediction); a click loads one into the demo. */
  showWrong(predicted) {
    const { heldout } = this;
    const wrong = [];
    for (let i = 0; i < heldout.count; i++) if (predicted[i] !== heldout.labels[i]) wrong.push(i);
    if (!wrong.length) { this.wrong.replaceChildren(); return; }
    this.wrong.replaceChildren(
      h("div", { class: "digits-wrong-title" },
        `认错的数字（标签→预测，共 ${wrong.length} 张${wrong.length > MAX_WRONG_SHOWN ? `，显示前 ${MAX_WRONG_SHOWN} 张` : ""}；点一下载入）：`),
      ...wrong.slice(0, MAX_WRONG_SHOWN).map((i) => thumbnailButton(digitOf(heldout, i),
        `测试集第 ${i} 张：标签 ${heldout.labels[i]}，模型认为是 ${predicted[i]}`, `${heldout.labels[i]}→${predicted[i]}`,
        () => this.hooks.onPick(i))));
  }
}
