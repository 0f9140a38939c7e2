// Demo: gradient descent, Momentum and Adam race on a 2-D loss surface (Python: demos/apps/optimizers.py).
import { Demo, h } from "../demo-kit.js";
import { LineChart } from "../plot.js";
import { SurfaceMap } from "./optimizers-plot.js";
import { asciiText } from "../settings.js";

const RUNNERS = [
  { key: "gd", name: "GD", color: "#e65100" },
  { key: "momentum", name: "Momentum", color: "#6a1b9a" },
  { key: "adam", name: "Adam", color: "#00796b" },
];

// Settings that make a good race on each surface (the reader can change every one of them).
const PRESETS = {
  quadratic: { lr_gd: 0.035, lr_momentum: 0.035, lr_adam: 0.1, steps: 150, x0: -4, y0: 1.5 },
  rosenbrock: { lr_gd: 0.001, lr_momentum: 0.001, lr_adam: 0.05, steps: 2000, x0: -1.5, y0: 2 },
  saddle: { lr_gd: 0.05, lr_momentum: 0.05, lr_adam: 0.05, steps: 200, x0: -2, y0: 0.001 },
};

const MAX_PLOTTED = 800; // points per loss curve; longer runs are thinned for drawing only

const fmtLoss = (v) => (v === null || v === undefined ? "—" : v.toExponential(2));

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：三个优化器赛跑",
    intro: "三个优化器从同一个起点出发，每一步都用本书 demos/optim.py 里的 update 更新自己的点 (x, y)。"
      + "曲面：病态二次函数 (x² + 50y²)/2（一条又长又窄的山谷）、Rosenbrock 函数（弯曲的香蕉形山谷）、"
      + "带鞍点的曲面。颜色越浅损失越小；右图是损失（对数刻度）。点一下曲面可以换起点。",
  });
  const inputs = demo.addSettings();

  const notices = h("div", { class: "demo-notices", role: "status", "aria-live": "polite", style: "color:#bf360c" });
  const tbody = h("tbody");
  const cells = {};
  for (const r of RUNNERS) {
    cells[r.key] = { steps: h("td"), loss: h("td"), position: h("td"), state: h("td") };
    tbody.append(h("tr", {}, h("td", { style: `color:${r.color};font-weight:700` }, r.name),
      cells[r.key].steps, cells[r.key].loss, cells[r.key].position, cells[r.key].state));
  }
  const table = h("table", {}, h("thead", {}, h("tr", {},
    h("th", { scope: "col" }, "优化器"), h("th", { scope: "col" }, "步数"), h("th", { scope: "col" }, "损失"), h("th", { scope: "col" }, "位置 (x, y)"), h("th", { scope: "col" }, "状态"))), tbody);
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(notices, plots, table);
  // each plot in its own box: a canvas that is itself a flex item would be stretched to the row's height
  const box = () => plots.appendChild(h("div"));
  const map = new SurfaceMap(box(), { width: 480, height: 320, label: "损失曲面和三个优化器的路径" });
  const lossChart = new LineChart(box(), { logY: true, xLabel: "步数", yLabel: "损失（对数刻度）", label: "三个优化器的损失曲线" });

  let paths, losses, diverged;

  const start = () => [Number(asciiText(inputs.x0.value)), Number(asciiText(inputs.y0.value))];
  const thin = (ys) => {
    const stride = Math.ceil(ys.length / MAX_PLOTTED);
    const x = [], y = [];
    for (let i = 0; i < ys.length; i += stride) { x.push(i); y.push(ys[i]); }
    if (ys.length && x[x.length - 1] !== ys.length - 1) { x.push(ys.length - 1); y.push(ys[ys.length - 1]); }
    return { x, y };
  };

  const draw = () => {
    map.draw({
      paths: RUNNERS.map((r) => ({ name: r.name, color: r.color, points: paths[r.key], ended: !!diverged[r.key] })),
      start: map.surface ? start() : null,
    });
    lossChart.draw(RUNNERS.map((r) => Object.assign({ name: r.name, color: r.color }, thin(losses[r.key]))));
    for (const r of RUNNERS) {
      const n = losses[r.key].length, last = paths[r.key][paths[r.key].length - 1];
      cells[r.key].steps.textContent = n ? String(n - 1) : "—";
      cells[r.key].loss.textContent = n ? fmtLoss(losses[r.key][n - 1]) : "—";
      cells[r.key].position.textContent = last ? `(${last[0].toFixed(3)}, ${last[1].toFixed(3)})` : "—";
      cells[r.key].state.textContent = diverged[r.key] ? "发散，已停下" : n ? "" : "—";
    }
    notices.replaceChildren(...RUNNERS.filter((r) => diverged[r.key]).map((r) => h("p", {}, diverged[r.key])));
  };

  const clear = () => {
    paths = { gd: [], momentum: [], adam: [] };
    losses = { gd: [], momentum: [], adam: [] };
    diverged = {};
    draw();
  };

  inputs.surface.addEventListener("change", () => {
    demo.setValues(PRESETS[inputs.surface.value] || {});
    map.clear();
    clear();
  });
  for (const name of ["x0", "y0"]) inputs[name].addEventListener("input", () => map.surface && draw());
  map.canvas.addEventListener("click", (event) => {
    const state = el.dataset.state;
    if (state === "running" || state === "loading") return;
    const point = map.toData(event);
    if (!point) return;
    demo.setValues({ x0: +point[0].toFixed(2), y0: +point[1].toFixed(2) });
    demo.status(`起点移到 (${point[0].toFixed(2)}, ${point[1].toFixed(2)})，点「开始比赛」重新出发。`);
    if (state === "done") clear();
    draw();
  });
  clear();

  demo.trainable({
    session: "optimizers",
    labels: { train: "开始比赛" },
    onStart: clear,
    onProgress(p) {
      if (p.grid) map.setSurface(p.grid);
      for (const r of RUNNERS) {
        paths[r.key].push(...p.paths[r.key]);
        losses[r.key].push(...p.losses[r.key]);
      }
      Object.assign(diverged, p.diverged);
      draw();
      demo.status(`第 ${p.step} 步……`);
    },
    describe(r) {
      const names = Object.fromEntries(RUNNERS.map((x) => [x.key, x.name]));
      const finished = RUNNERS.filter((x) => !r.optimizers[x.key].diverged)
        .map((x) => `${x.name} ${fmtLoss(r.optimizers[x.key].loss)}`).join("，");
      const lost = Object.keys(r.diverged).map((k) => names[k]);
      return `${r.steps} 步后的损失：${finished}。最低的是 ${names[r.best]}。`
        + (lost.length ? `${lost.join("、")} 发散了（原因见上）。` : "");
    },
    onReset() { map.clear(); clear(); },
  });
}
