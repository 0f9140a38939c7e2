// Demo: MSE on a probability vs binary and softmax cross-entropy, and their gradients with respect to the
// model's raw score z (Python: demos/apps/losses.py). Python computes the curves on a grid of z once;
// moving z only looks values up on that grid.
import { Demo, h, pct } from "../demo-kit.js";
import { LineChart, COLORS } from "../plot.js";
import { dragToSet, drawChart, gridIndex, valueTable } from "../views/cursor.js";

const LOSSES = [
  { key: "mse", name: "MSE（对概率）", short: "MSE", color: COLORS[0] },
  { key: "bce", name: "二元交叉熵", short: "BCE", color: COLORS[1] },
  { key: "softmax_ce", name: "softmax 交叉熵", short: "softmax CE", color: COLORS[2] },
];

const fmt = (v) => (v === null || v === undefined ? "—" : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4));

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：模型错得越自信，哪个损失还在推它？",
    intro: "横轴是模型对正类打出的原始分数 z（logit），概率 p = σ(z)。三种损失：对 p 求均方误差 (p − y)²；"
      + "二元交叉熵；K 类 softmax 交叉熵（logits 为 (z, 0, …, 0)，y = 1 时第 0 类是正确类，y = 0 时第 1 类是正确类）。"
      + "下图是每种损失对 z 的梯度：训练就靠它推动 z。把 z 拖到「自信地错了」的一端看看。",
  });
  const inputs = demo.addSettings();
  const slider = inputs.z;
  const numbers = valueTable(LOSSES, ["损失", "L", "dL/dz"]);
  const where = h("p", {});
  const verdict = h("p", {});
  const readout = h("div", { class: "demo-readout", "aria-live": "polite" }, where,
    numbers.table,
    verdict);
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(readout, plots);
  const lossChart = new LineChart(plots, { xRange: [-8, 8], xLabel: "logit z", yLabel: "损失 L", label: "三种损失随 z 的变化" });
  const gradChart = new LineChart(plots, { xRange: [-8, 8], yRange: [-1.05, 1.05], xLabel: "logit z", yLabel: "梯度 dL/dz", label: "三种损失对 z 的梯度" });
  dragToSet([lossChart, gradChart], slider);

  let grid = null; // {min, step, length, z: [], p: [], curves: {name: {loss: [], grad: []}}, target}
  let result = null;

  const valuesAt = (z) => {
    const i = Math.min(gridIndex(grid, z), grid.z.length - 1);
    const values = {};
    for (const l of LOSSES) values[l.key] = [grid.curves[l.key].loss[i], grid.curves[l.key].grad[i]];
    return { z: grid.z[i], p: grid.p[i], values };
  };

  const explain = (at) => {
    const y = grid.target;
    const pTrue = y === 1 ? at.p : 1 - at.p; // the probability the model gives to the true label
    const mse = Math.abs(at.values.mse[1]), ce = Math.abs(at.values.bce[1]);
    if (pTrue < 0.1) {
      return `模型很自信地错了：它只给正确答案 ${pct(pTrue)} 的概率。交叉熵的梯度大小仍有 ${fmt(ce)}，`
        + `而 MSE 的梯度只剩 ${fmt(mse)}：sigmoid 饱和了，σ′(z) 几乎为 0，均方误差几乎推不动 z。`;
    }
    if (pTrue > 0.9) return `模型答对了而且很有把握（正确答案的概率 ${pct(pTrue)}）：三种损失的梯度都接近 0，这正是该停下的地方。`;
    return `模型还拿不准（正确答案的概率 ${pct(pTrue)}）：三种损失都在推 z 往正确的方向走。`;
  };

  const draw = () => {
    const z = Number(slider.value);
    if (!grid || !grid.z.length) {
      where.textContent = `z = ${z.toFixed(2)}`;
      verdict.textContent = "";
      drawChart(lossChart, []);
      drawChart(gradChart, []);
      for (const l of LOSSES) numbers.show(l.key, null);
      return;
    }
    const at = valuesAt(z);
    where.textContent = `z = ${at.z.toFixed(2)}，p = σ(z) = ${at.p.toFixed(4)}，真实标签 y = ${grid.target}`;
    const curve = (which) => LOSSES.map((l) => ({ name: l.short, x: grid.z, y: grid.curves[l.key][which], color: l.color }));
    const dots = (k) => LOSSES.map((l) => ({ x: [at.z], y: [at.values[l.key][k]], points: true, color: l.color }));
    drawChart(lossChart, [...curve("loss"), ...dots(0)], { marker: { x: at.z } });
    drawChart(gradChart, [...curve("grad"), ...dots(1)], { marker: { x: at.z } });
    for (const l of LOSSES) numbers.show(l.key, at.values[l.key], fmt);
    verdict.textContent = explain(at);
    if (result && el.dataset.state === "done") el.dataset.result = JSON.stringify(Object.assign({}, result, at));
  };

  const clear = () => { grid = null; result = null; draw(); };
  slider.addEventListener("input", draw);
  // A new target or K needs new curves: recompute right away once the reader has computed them once.
  for (const name of ["target", "classes"]) {
    inputs[name].addEventListener("change", () => { if (el.dataset.state === "done") demo.train(); });
  }
  clear();

  demo.trainable({
    session: "losses",
    labels: { train: "计算" },
    onStart(params) {
      clear();
      grid = { min: -8, step: 0.05, length: 0, z: [], p: [], target: Number(params.target),
        curves: Object.fromEntries(LOSSES.map((l) => [l.key, { loss: [], grad: [] }])) };
    },
    onProgress(p) {
      grid.min = p.z_min;
      grid.step = p.z_step;
      grid.z.push(...p.z);
      grid.p.push(...p.p);
      for (const l of LOSSES) {
        grid.curves[l.key].loss.push(...p.curves[l.key].loss);
        grid.curves[l.key].grad.push(...p.curves[l.key].grad);
      }
      grid.length = grid.z.length;
      draw();
    },
    onDone(r) { result = r; draw(); },
    describe: (r) => `已计算 ${r.points} 个 z（用时 ${r.seconds.toFixed(2)} 秒）。拖动 z 查看各处的损失和梯度。`,
    onReset: clear,
  });
}
