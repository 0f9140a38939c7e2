// Demo: scaling laws. Four GPT sizes learn the same characters of the book; validation loss against parameters
// and against compute (6ND) on log-log axes, the fitted L(N) = a N^-α + c, and which size wins at a fixed compute
// budget (Python: demos/apps/scaling.py; every number comes from Python, the page only draws).
import { Demo, h } from "../demo-kit.js";
import { COLORS } from "../plot.js";
import { LogLogChart } from "../views/loglog-chart.js";
import { addModelDownloads } from "../onnx-export.js";

const caption = (text) => h("div", { style: "font-size: 0.75rem; margin-bottom: 0.2rem;" }, text);
const fmt = (x, digits = 3) => (x === null || x === undefined ? "—" : Number(x).toFixed(digits));
const name = (c) => `${c.layers} 层 × 宽 ${c.width}`;

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：四个大小的 GPT，看损失怎样随规模下降",
    intro: "四个大小不同的 GPT 在本书正文上训练同样多的步数，读到的是同样的字符（同样的 D 个词元）。"
      + "左图：最终验证损失对参数量 N（不含嵌入层）的关系，虚线是拟合的幂律 L(N) = a·N^(−α) + c；"
      + "右图：训练过程中验证损失对计算量 C = 6ND 的关系，竖线是固定的计算预算。两张图的坐标轴都是对数刻度。"
      + "下面的表格比较：同样的计算预算下，哪个大小的模型损失最低。",
  });
  demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const left = h("div", {}, caption("验证损失 vs 参数量 N（对数坐标）"));
  const right = h("div", {}, caption("验证损失 vs 计算量 C = 6ND（FLOP，对数坐标）"));
  plots.append(left, right);
  const byParams = new LogLogChart(left, { xLabel: "参数量 N", yLabel: "验证损失", label: "验证损失对参数量" });
  const byCompute = new LogLogChart(right, { xLabel: "计算量 C（FLOP）", yLabel: "验证损失", label: "验证损失对计算量" });
  const table = h("table", { class: "scaling-budget" });
  const fitLine = h("p", { class: "scaling-fit" });
  demo.body.append(fitLine, table);

  let curves = [];
  let budget = null;
  const draw = (fit) => {
    const done = curves.filter((c) => c && c.val_loss.length);
    byCompute.draw(done.map((c, i) => ({ name: name(c), x: c.compute, y: c.val_loss, points: true, line: true,
      color: COLORS[i % COLORS.length] })), { marker: budget });
    const finals = done.map((c) => [c.params, c.val_loss[c.val_loss.length - 1]]);
    const series = [{ name: "最终验证损失", x: finals.map((p) => p[0]), y: finals.map((p) => p[1]), points: true }];
    if (fit) {
      const lo = Math.min(...finals.map((p) => p[0])), hi = Math.max(...finals.map((p) => p[0]));
      const xs = Array.from({ length: 40 }, (_, i) => lo * (hi / lo) ** (i / 39));
      series.push({ name: `拟合：α = ${fmt(fit.alpha)}`, x: xs, y: xs.map((n) => fit.a * n ** -fit.alpha + fit.c), dashed: true,
        color: COLORS[1] });
    }
    byParams.draw(series);
  };
  const clear = () => {
    curves = [];
    budget = null;
    fitLine.textContent = "";
    table.replaceChildren();
    draw(null);
  };
  clear();

  demo.trainable({
    session: "scaling",
    assets: ["data/corpus.json"],
    onStart(params) {
      clear();
      budget = params.budget * 1e9;
    },
    onProgress(p) {
      for (const c of p.curves) curves[c.index] = c;
      draw(p.fit);
      demo.status(`第 ${p.model + 1} / 4 个模型，第 ${p.step} / ${p.steps} 步，已用 ${p.seconds.toFixed(1)} 秒`);
    },
    describe: (r) => (r.fit
      ? `完成，用时 ${r.seconds.toFixed(1)} 秒。拟合的指数 α = ${fmt(r.fit.alpha)}（a = ${fmt(r.fit.a)}，c = ${fmt(r.fit.c)}）。`
      : `完成，用时 ${r.seconds.toFixed(1)} 秒。四个损失无法拟合出幂律。`)
      + (r.winner === null ? "" : `计算预算 ${(r.budget / 1e9).toPrecision(3)} GFLOP 下最好的是 ${name(r.sizes[r.winner])}。`),
    onDone(r) {
      curves = r.curves;
      draw(r.fit);
      fitLine.textContent = r.fit
        ? `L(N) = ${fmt(r.fit.a)} · N^(−${fmt(r.fit.alpha)}) + ${fmt(r.fit.c)}，每个模型读了 ${r.tokens.toLocaleString()} 个字符（D）。`
        : "";
      table.replaceChildren(
        h("tr", {}, ...["模型", "参数量 N", "最终验证损失", "预算内能读的字符数", "预算处的验证损失"].map((t) => h("th", { scope: "col" }, t))),
        ...r.sizes.map((s, i) => h("tr", { class: i === r.winner ? "scaling-winner" : "", style: i === r.winner ? "font-weight: bold;" : "" },
          h("td", {}, name(s) + (i === r.winner ? "（预算内最好）" : "")), h("td", {}, s.params.toLocaleString()),
          h("td", {}, fmt(s.val_loss)), h("td", {}, Math.round(r.budget_tokens[i]).toLocaleString()),
          h("td", {}, r.budget_losses[i] === null ? "测量范围之外" : fmt(r.budget_losses[i])))));
    },
    onReset: clear,
  });
  addModelDownloads(demo, "scaling");  // the largest size, after the experiment
}
