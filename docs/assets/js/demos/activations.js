// Demo: sigmoid, ReLU and tanh with their derivatives (Python: demos/apps/activations.py).
// Python computes both curves on a grid once; moving x only looks values up on that grid.
import { Demo, h } from "../demo-kit.js";
import { LineChart, COLORS } from "../plot.js";
import { dragToSet, drawChart, gridIndex, valueTable } from "../views/cursor.js";

const FUNCTIONS = [
  { key: "sigmoid", name: "sigmoid", color: COLORS[0] },
  { key: "relu", name: "ReLU", color: COLORS[1] },
  { key: "tanh", name: "tanh", color: COLORS[2] },
];

const fmt = (v) => (v === null || v === undefined ? "—" : v.toFixed(4));

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：三个激活函数和它们的导数",
    intro: "点「计算」后，Python 用本书的激活层算出每个函数的值 f(x)（forward）和导数 f′(x)（把 1 传进 backward）。"
      + "拖动滑块（或直接在图上拖动）移动 x，下面的表格给出此处的数值：注意 x 离 0 远时 sigmoid 和 tanh 的导数几乎为 0。",
  });
  const inputs = demo.addSettings();
  const slider = inputs.x;
  const numbers = valueTable(FUNCTIONS, ["函数", "f(x)", "f′(x)"]);
  const xCell = h("span", {}, slider.value);
  const readout = h("div", { class: "demo-readout", "aria-live": "polite" },
    h("p", {}, "x = ", xCell),
    numbers.table);
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(readout, plots);
  const valueChart = new LineChart(plots, { xRange: [-6, 6], yRange: [-1.2, 6], xLabel: "x", yLabel: "f(x)", label: "激活函数的值" });
  const slopeChart = new LineChart(plots, { xRange: [-6, 6], yRange: [-0.1, 1.1], xLabel: "x", yLabel: "f′(x)", label: "激活函数的导数" });
  dragToSet([valueChart, slopeChart], slider);

  let grid = null; // {min, step, length, x, curves: {name: {f, df}}}
  let result = null;

  const valuesAt = (x) => {
    const i = gridIndex(grid, x);
    const values = {};
    for (const f of FUNCTIONS) values[f.key] = [grid.curves[f.key].f[i], grid.curves[f.key].df[i]];
    return { x: grid.x[i], values };
  };

  const draw = () => {
    const x = Number(slider.value);
    xCell.textContent = x.toFixed(2);
    if (!grid) {
      drawChart(valueChart, []);
      drawChart(slopeChart, []);
      for (const f of FUNCTIONS) numbers.show(f.key, null);
      return;
    }
    const at = valuesAt(x);
    const curve = (which) => FUNCTIONS.map((f) => ({ name: f.name, x: grid.x, y: grid.curves[f.key][which], color: f.color }));
    const dots = (k) => FUNCTIONS.map((f) => ({ x: [at.x], y: [at.values[f.key][k]], points: true, color: f.color }));
    drawChart(valueChart, [...curve("f"), ...dots(0)], { marker: { x: at.x } });
    drawChart(slopeChart, [...curve("df"), ...dots(1)], { marker: { x: at.x } });
    for (const f of FUNCTIONS) numbers.show(f.key, at.values[f.key], fmt);
    // After the computation the element's data-result follows the reader's x (same lookup as the table).
    if (result && el.dataset.state === "done") el.dataset.result = JSON.stringify(Object.assign({}, result, at));
  };

  const clear = () => { grid = null; result = null; draw(); };
  slider.addEventListener("input", draw);
  clear();

  demo.trainable({
    session: "activations",
    labels: { train: "计算" },
    onStart: clear,
    onProgress(p) {
      grid = { min: p.x_min, step: p.x_step, length: p.x.length, x: p.x, curves: p.curves };
      draw();
    },
    onDone(r) { result = r; },
    describe: (r) => `已计算 ${r.points} 个点（用时 ${r.seconds.toFixed(3)} 秒）。移动 x 查看各处的值和导数。`,
    onReset: clear,
  });
}
