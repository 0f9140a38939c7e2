// Demo: a TensorFlow-Playground-like classifier on 2-D toy data (Python: demos/apps/playground.py).
// The settings live in the address (#playground=dataset:spiral,layers:16-16,...), so a link restores them.
import { Demo, h } from "../demo-kit.js";
import { LineChart } from "../plot.js";
import { BoundaryMap } from "./playground-plot.js";

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

const pct = (v) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`);

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：神经网络游乐场",
    intro: "选一个二维数据集和网络结构，看网络怎样一步步把平面分给不同的类：背景颜色是网络对每一处的判断，颜色越深越有把握；"
      + "白圈的点用来训练，黑圈的点留作测试。训练准确率达到目标时自动停下。设置会写进网址，「复制链接」就能分享。",
  });
  const inputs = demo.addSettings();
  const names = Object.keys(inputs);
  const shareBox = h("input", { type: "text", readonly: true, hidden: true, "aria-label": "这组设置的链接",
    style: "width:100%;font-size:0.75rem" });
  const shareBtn = h("button", { type: "button", class: "md-button demo-btn demo-btn-share", "data-action": "share" }, "复制链接");

  const plots = h("div", { class: "demo-plots" });
  demo.body.append(shareBox, plots);
  // each plot in its own box: a canvas that is itself a flex item would be stretched to the row's height
  const box = () => plots.appendChild(h("div"));
  const map = new BoundaryMap(box(), { size: 340, label: "数据点和网络的分类边界" });
  const lossChart = new LineChart(box(), { xLabel: "轮数", yLabel: "损失", label: "训练集和测试集的损失" });
  const accChart = new LineChart(box(), { xLabel: "轮数", yLabel: "准确率", yRange: [0, 1], label: "训练集和测试集的准确率" });

  let data = null, grid = null, gridSize = 40, epochs = [], target = null;

  const shareUrl = () => {
    const encoded = Object.entries(demo.rawValues()).map(([k, v]) => `${k}:${encodeURIComponent(v)}`).join(",");
    return `${location.pathname}${location.search}#${HASH_KEY}=${encoded}`;
  };
  const writeHash = () => history.replaceState(history.state, "", shareUrl());

  const draw = () => {
    map.draw(data, grid, gridSize);
    const x = epochs.map((e) => e[0]);
    lossChart.draw([
      { name: "训练", x, y: epochs.map((e) => e[1]) },
      { name: "测试", x, y: epochs.map((e) => e[2]), dashed: true },
    ]);
    accChart.draw([
      { name: "训练", x, y: epochs.map((e) => e[3]) },
      { name: "测试", x, y: epochs.map((e) => e[4]), dashed: true },
      ...(x.length && target ? [{ name: "目标", x: [x[0], x[x.length - 1]], y: [target, target], dashed: true, color: "#888" }] : []),
    ]);
  };
  const clear = () => { data = null; grid = null; epochs = []; draw(); };

  const restore = () => {
    const values = parseHash(location.hash, names);
    if (!values) return false;
    demo.setValues(values);
    return true;
  };

  for (const input of Object.values(inputs)) {
    input.addEventListener("change", writeHash);
    input.addEventListener("input", () => { shareBox.hidden = true; });
  }
  window.addEventListener("hashchange", () => { if (restore()) demo.status("已按链接里的设置更新。"); });

  shareBtn.addEventListener("click", async () => {
    writeHash();
    const url = location.href;
    shareBox.value = url;
    try {
      await navigator.clipboard.writeText(url);
      shareBox.hidden = false;
      demo.status("链接已复制到剪贴板：打开它就会恢复现在这组设置。");
    } catch (err) {
      shareBox.hidden = false;
      shareBox.focus();
      shareBox.select();
      demo.status("浏览器不允许自动复制，请手动复制下面的链接（已选中）。");
    }
  });

  clear();
  demo.trainable({
    session: "playground",
    labels: { extra: [shareBtn] },
    params(values) {
      writeHash();
      return values;
    },
    onStart(params) {
      target = params.target;
      clear();
    },
    onProgress(p) {
      if (p.data) data = p.data;
      grid = p.grid;
      gridSize = p.grid_size;
      epochs.push(...p.epochs);
      draw();
      const last = epochs[epochs.length - 1];
      demo.status(last ? `第 ${last[0]} 轮（${p.steps} 步）：训练准确率 ${pct(last[3])}，测试准确率 ${pct(last[4])}` : "训练中……");
    },
    describe: (r) => (r.reached
      ? `完成：第 ${r.epochs} 轮训练准确率达到 ${pct(r.accuracy)}（目标 ${pct(r.target)}），测试准确率 ${pct(r.test_accuracy)}，`
        + `训练用时 ${r.seconds.toFixed(1)} 秒，共 ${r.steps} 步。`
      : `停在第 ${r.epochs} 轮：训练准确率 ${pct(r.accuracy)}，没有达到目标 ${pct(r.target)}（到了轮数或时间上限）。`
        + "试试更多神经元、换个激活函数或调整学习率。"),
    onReset: clear,
  });
  if (restore()) demo.status("已按链接恢复设置，点「训练」开始。");
}
