// Demo: a TensorFlow-Playground-like classifier on 2-D toy data (Python: demos/apps/playground.py).
// Old links carried the settings in the hash (#playground=dataset:spiral,layers:16-16,...); they still work.
import { Demo, h, pct } from "../demo-kit.js";
import { LineChart } from "../plot.js";
import { BoundaryMap } from "./playground-plot.js";
import { addModelDownloads } from "../onnx-export.js";

const HASH_KEY = "playground";
/** "#playground=dataset:spiral,layers:16-16" -> {dataset: "spiral", layers: "16-16"} (unknown keys ignored). */
export function parseHash(hash, names) {
  const prefix = `#${HASH_KEY}=`;
  if (!hash.startsWith(prefix)) return null;
  const known = new Set(names);
  const values = {};
  for (const pair of hash.slice(prefix.length).split(",")) {
    const at = pair.indexOf(":");
    if (at < 0) continue;
    const key = pair.slice(0, at);
    let value = pair.slice(at + 1);
    try { value = decodeURIComponent(value); } catch (e) { /* keep it raw: the check on Train will complain */ }
    if (known.has(key)) values[key] = value;
  }
  return values;
}

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：神经网络游乐场",
    intro: "选一个二维数据集和网络结构，看网络怎样一步步把平面分给不同的类：背景颜色是网络对每一处的判断，颜色越深越有把握；"
      + "白圈的点用来训练，黑圈的点留作测试。训练准确率达到目标时自动停下。「复制链接」可以把这组设置分享给别人。",
  });
  const inputs = demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  // each plot in its own box: a canvas that is itself a flex item would be stretched to the row's height
  const box = () => plots.appendChild(h("div"));
  const map = new BoundaryMap(box(), { size: 340, label: "数据点和网络的分类边界" });
  const lossChart = new LineChart(box(), { xLabel: "轮数", yLabel: "损失", label: "训练集和测试集的损失" });
  const accChart = new LineChart(box(), { xLabel: "轮数", yLabel: "准确率", yRange: [0, 1], label: "训练集和测试集的准确率" });

  let data = null, grid = null, gridSize = 40, epochs = [], target = null;

  const draw = () => {
    map.draw(data, grid, gridSize);
    const x = epochs.map((e) => e.epoch);
    const column = (key) => epochs.map((e) => e[key]);
    lossChart.draw([
      { name: "训练", x, y: column("loss") },
      { name: "测试", x, y: column("test_loss"), dashed: true },
    ]);
    accChart.draw([
      { name: "训练", x, y: column("accuracy") },
      { name: "测试", x, y: column("test_accuracy"), dashed: true },
      ...(x.length && target ? [{ name: "目标", x: [x[0], x[x.length - 1]], y: [target, target], dashed: true, color: "#888" }] : []),
    ]);
  };
  const clear = () => { data = null; grid = null; epochs = []; draw(); };

  clear();
  demo.trainable({
    session: "playground",
    onStart(params) {
      target = params.target;
      clear();
    },
    onProgress(p) {
      if (!p.grid) return; // between two views Python only counts steps
      if (p.data) data = p.data;
      grid = p.grid;
      gridSize = p.grid_size;
      epochs.push(...p.epochs);
      draw();
      const last = epochs[epochs.length - 1];
      demo.status(last ? `第 ${last.epoch} 轮（${p.steps} 步）：训练准确率 ${pct(last.accuracy)}，测试准确率 ${pct(last.test_accuracy)}` : "训练中……");
    },
    describe: (r) => (r.reached
      ? `完成：第 ${r.epochs} 轮训练准确率达到 ${pct(r.accuracy)}（目标 ${pct(r.target)}），测试准确率 ${pct(r.test_accuracy)}，`
        + `训练用时 ${r.seconds.toFixed(1)} 秒，共 ${r.steps} 步。`
      : `停在第 ${r.epochs} 轮：训练准确率 ${pct(r.accuracy)}，没有达到目标 ${pct(r.target)}（到了轮数或时间上限）。`
        + "试试更多神经元、换个激活函数或调整学习率。"),
    onReset: clear,
  });
  addModelDownloads(demo, "playground"); // the trained network as .npz and as ONNX, run again by ONNX Runtime Web
  // an old link (#playground=...) fills the controls like a new one (?playground.<name>=...)
  const old = parseHash(location.hash, Object.keys(inputs));
  if (old) demo.fillFromLink(`?${new URLSearchParams(Object.entries(old).map(([k, v]) => [`${HASH_KEY}.${k}`, v]))}`);
}
