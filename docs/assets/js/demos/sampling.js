// Demo: the next-token distribution for a prompt and what temperature, top-k and top-p leave of it
// (Python: demos/apps/sampling.py and demos/sampling.py). Uses the GPT trained above on the page when there is one,
// else the small GPT bundled with the book (downloaded only when this demo runs).
import { Demo, h } from "../demo-kit.js";
import { fitContext, makeCanvas, themeColor } from "../plot.js";

// Paired bars per token: the model's probability (light) and what remains after the rules (dark).
function drawBars(canvas, r) {
  const ctx = fitContext(canvas);
  const W = canvas.logicalWidth, H = canvas.logicalHeight;
  const fg = themeColor(canvas, "--md-default-fg-color", "#333");
  const n = r.tokens.length;
  const pad = { l: 8, r: 8, t: 16, b: 22 };
  const top = Math.max(...r.p_before, ...r.p_after, 1e-9);
  const slot = (W - pad.l - pad.r) / n;
  ctx.font = "12px sans-serif";
  ctx.textAlign = "center";
  r.tokens.forEach((t, i) => {
    const x = pad.l + i * slot;
    const hb = (H - pad.t - pad.b) * r.p_before[i] / top, ha = (H - pad.t - pad.b) * r.p_after[i] / top;
    ctx.fillStyle = "rgba(63, 81, 181, 0.25)";
    ctx.fillRect(x + 1, H - pad.b - hb, slot / 2 - 1, hb);
    ctx.fillStyle = "#3f51b5";
    ctx.fillRect(x + slot / 2, H - pad.b - ha, slot / 2 - 1, ha);
    ctx.fillStyle = fg;
    ctx.fillText(t === "\n" ? "↵" : t === " " ? "␣" : t, x + slot / 2, H - 6);
  });
  ctx.textAlign = "left";
  ctx.fillText("浅色：模型给的概率；深色：规则处理后", pad.l, 12);
}

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：温度、top-k 和 top-p 怎样改变下一个词元的分布",
    intro: "给一个提示词，看模型对下一个词元的概率分布（只画最可能的 20 个），以及温度、top-k、top-p 处理之后还剩下的分布、"
      + "它的熵（比特），和按处理后的分布抽出的几段续写。如果本页上面的 GPT 训练过，就用它；否则用本书自带的一个小 GPT。",
  });
  demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const barsBox = h("div", {});
  plots.append(barsBox);
  const canvas = makeCanvas(barsBox, { width: 560, height: 220, label: "下一个词元的概率：处理前后" });
  const info = h("div", { class: "sampling-info", style: "font-size: 0.8rem;" });
  const samples = h("ol", { class: "sampling-samples", style: "font-size: 0.85rem;" });
  demo.body.append(info, samples);
  const clear = () => {
    fitContext(canvas);
    info.textContent = "";
    samples.replaceChildren();
  };

  demo.trainable({
    session: "sampling",
    assets: ["../models/gpt/tiny-gpt.npz"],
    labels: { train: "计算分布" },
    onStart: clear,
    onDone(r) {
      drawBars(canvas, r);
      info.textContent = `模型：${r.source === "trained" ? "本页训练的 GPT" : "本书自带的小 GPT"}（${r.vocab_size} 个词元）。`
        + `熵：处理前 ${r.entropy_before.toFixed(2)} 比特，处理后 ${r.entropy_after.toFixed(2)} 比特`
        + `（均匀分布是 ${r.max_entropy.toFixed(2)} 比特）；处理后还剩 ${r.kept} 个词元可选。`;
      samples.replaceChildren(...r.samples.map((s) => h("li", {}, s)));
    },
    describe: (r) => `处理后剩 ${r.kept} 个词元，熵 ${r.entropy_after.toFixed(2)} 比特。`,
    onReset: clear,
  });
}
